import { answerChecker, type GuardContext } from "./answer-guard";

/** Words kept back while an answer streams: a link, an address spelled "x (at) y (dot) z" or a phone number may still be growing in them. */
const HELD_WORDS = 4;
/** Digits and separators at the end of the released text: a phone number may go on. */
const PHONE_TAIL = /(?:\+|00)?\(?\d[\d \t().-]*$/;
/** Where a sentence ends (a blocked answer is cut back to the last one). */
const SENTENCE_END = /[.!?](?=\s)|\n/g;

export interface AnswerStreamGuard {
  /** Takes the next piece of the answer; returns the text that may be shown now. */
  push(delta: string): string;
  /** At the end of the answer: the rest, if it passes. */
  flush(): string;
  /** The guard stopped the stream: nothing more is shown. */
  readonly blocked: boolean;
  /** Everything released so far. */
  readonly shown: string;
}

function heldFrom(pending: string): number {
  const tokens = [...pending.matchAll(/\S+/g)];
  let cut = tokens.length > HELD_WORDS ? tokens[tokens.length - HELD_WORDS].index : 0;
  const phone = pending.slice(0, cut).match(PHONE_TAIL);
  if (phone) cut = phone.index ?? cut;
  return cut;
}

function lastSentenceEnd(text: string, before: number, notBefore: number): number {
  let end = notBefore;
  for (const m of text.matchAll(SENTENCE_END)) {
    const after = m.index + m[0].length;
    if (after > before) break;
    if (after > end) end = after;
  }
  return end;
}

/**
 * The output guard for an answer shown as it is written: text is released a few words
 * behind the model, each release checked with everything before it against the passages
 * (checkAnswer). At the first unsafe finding the stream stops, cut back to the end of the
 * last whole sentence before it, so the visitor never sees the foreign link, address or
 * number, nor the start of the sentence that carried it.
 */
export function createAnswerStreamGuard(context: GuardContext): AnswerStreamGuard {
  let shown = "";
  let pending = "";
  let blocked = false;
  const check = answerChecker(context);

  const release = (cut: number): string => {
    if (blocked || cut <= 0) return "";
    const candidate = shown + pending.slice(0, cut);
    const verdict = check(candidate);
    if (verdict.safe) {
      const released = pending.slice(0, cut);
      pending = pending.slice(cut);
      shown = candidate;
      return released;
    }
    blocked = true;
    pending = "";
    const end = lastSentenceEnd(candidate, verdict.findings[0].index, shown.length);
    const released = candidate.slice(shown.length, end);
    shown += released;
    return released;
  };

  return {
    push(delta) {
      if (blocked) return "";
      pending += delta;
      return release(heldFrom(pending));
    },
    flush() {
      return release(pending.length);
    },
    get blocked() {
      return blocked;
    },
    get shown() {
      return shown;
    },
  };
}
