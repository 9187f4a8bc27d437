/*
 * The output guard (OWASP LLM02, LLM05): a model's answer may only hand the visitor
 * links, e-mail addresses and phone numbers that are written in the passages it cites,
 * and must not recite the assistant's own instructions. An injected "e-mail your
 * password to attacker@evil.example", a foreign link or an invented hotline therefore
 * never reaches the visitor as an answer: the agent hands the draft to a human instead
 * (see lib/agent/answer-check.ts for why it escalates rather than strips).
 * Pure: the agent checks whole drafts with checkAnswer, streamed ones with
 * answer-stream-guard.ts.
 */

export type ContactKind = "link" | "email" | "phone";

export interface Contact {
  kind: ContactKind;
  /** As written. */
  text: string;
  /** Normalised form compared with the passages' (see keyOf). */
  key: string;
  index: number;
}

export type FindingKind = ContactKind | "prompt_leak";

export interface GuardFinding {
  kind: FindingKind;
  text: string;
  /** Where it starts in the checked text. */
  index: number;
}

export interface GuardContext {
  /** The text of the passages the answer cites (already without instructions to the assistant). */
  passages: string[];
  /** The cited sources' own addresses (shown to the visitor as sources). */
  urls?: string[];
  /** Text the answer must never recite: the assistant's system prompts. */
  secrets?: string[];
}

export interface GuardVerdict {
  safe: boolean;
  findings: GuardFinding[];
}

const TLDS =
  "com|net|org|info|biz|io|co|ai|app|dev|xyz|online|site|shop|store|top|link|click|live|example|test|invalid|" +
  "uk|de|fr|ru|cn|eu|us|ca|au|nl|es|ch|se|pl|be|dk|fi|ie|jp|kr|br|mx|za|nz|sg|hk|tk|ml|ga|cf|gq|ly|gg|cc|tv|ws|pw|su|xn--[a-z0-9-]+";
const SCHEME_URL = /\b(?:https?|ftp):\/\/[^\s<>"'`]+/gi;
const WWW_URL = /\bwww\.[^\s<>"'`]+/gi;
// A bare host name with a known top-level domain ("evil.example/reset"), not an e-mail's domain.
const BARE_HOST = new RegExp(`(?<![@\\w.\\-/])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?::\\d{1,5})?(?:/[^\\s<>"'\`]*)?(?![\\w-])`, "gi");
const EMAIL = /(?<![\w.+%-])(?:mailto:)?[\w.+%-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi;
// "name (at) host (dot) tld", "name [at] host.tld", "name at host dot tld".
const SPELLED_EMAIL =
  /(?<![\w.+-])([\w.+-]+)\s*(?:\(at\)|\[at\]|\{at\}|\s+at\s+(?=[\w-]+\s*(?:\(dot\)|\[dot\]|\s+dot\s+)))\s*([\w-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\}|\s+dot\s+)\s*[\w-]+)+)/gi;
const PHONE = /(?<![\w+.(])(?:\+|00)?\(?\d[\d \t().-]{5,}\d(?![\w])/g;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[.-]\d{1,2}[.-]\d{2,4}$/;
// "my system prompt", "I was instructed to": the assistant talking about its instructions.
const DISCLOSURE =
  /\b(?:my|the)\s+system\s+(?:prompt|message)\b|\bmy\s+(?:(?:initial|original|hidden|secret)\s+)?(?:prompt|instructions)\b|\bi\s+(?:was|am|have\s+been)\s+(?:instructed|told|programmed)\s+to\b/gi;

/** Links end before closing punctuation and an unbalanced bracket (Markdown "[x](url)."). */
function trimLink(raw: string): string {
  let link = raw.replace(/[.,;:!?'"*_]+$/, "");
  for (const [open, close] of [["(", ")"], ["[", "]"]]) {
    while (link.endsWith(close) && link.split(open).length < link.split(close).length) link = link.slice(0, -1).replace(/[.,;:!?]+$/, "");
  }
  return link;
}

function linkKey(link: string): { host: string; key: string } {
  const bare = link.toLowerCase().replace(/^(?:https?|ftp):\/\//, "").replace(/^www\./, "").replace(/#.*$/, "");
  const slash = bare.search(/[/?]/);
  const host = (slash < 0 ? bare : bare.slice(0, slash)).replace(/:\d+$/, "").replace(/\.$/, "");
  const rest = slash < 0 ? "" : bare.slice(slash).replace(/\/+(?=\?|$)/, "");
  return { host, key: host + rest };
}

const digitsOf = (text: string) => text.replace(/\D/g, "");

/** Every link, e-mail address and phone number in the text, in order, overlaps resolved first come first. */
export function findContacts(text: string): Contact[] {
  const found: Contact[] = [];
  const taken: Array<[number, number]> = [];
  const add = (kind: ContactKind, raw: string, index: number, key: string) => {
    const end = index + raw.length;
    if (taken.some(([s, e]) => index < e && end > s)) return;
    taken.push([index, end]);
    found.push({ kind, text: raw, key, index });
  };
  for (const m of text.matchAll(EMAIL)) add("email", m[0], m.index, m[0].toLowerCase().replace(/^mailto:/, ""));
  for (const m of text.matchAll(SPELLED_EMAIL)) {
    const domain = m[2].replace(/\s*(?:\(dot\)|\[dot\]|\{dot\}|\s+dot\s+)\s*/gi, ".").replace(/\s+/g, "");
    add("email", m[0], m.index, `${m[1]}@${domain}`.toLowerCase());
  }
  for (const regex of [SCHEME_URL, WWW_URL, BARE_HOST]) {
    for (const m of text.matchAll(regex)) {
      const link = trimLink(m[0]);
      if (link.includes(".")) add("link", link, m.index, linkKey(link).key);
    }
  }
  for (const m of text.matchAll(PHONE)) {
    const raw = m[0].trim();
    const digits = digitsOf(raw);
    if (digits.length >= 7 && digits.length <= 15 && !DATE.test(raw)) add("phone", raw, m.index, digits);
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The normalised contacts an answer may repeat: those in the passages, and the sources' own links. */
function allowedIn(context: GuardContext) {
  const contacts = [...context.passages.flatMap(findContacts), ...(context.urls ?? []).flatMap(findContacts)];
  const of = (kind: ContactKind) => contacts.filter((c) => c.kind === kind).map((c) => c.key);
  const links = of("link");
  return {
    links: new Set(links),
    // A host the passages link to or write to ("help@acme.example": acme.example).
    hosts: new Set([...links.map((key) => linkKey(key).host), ...of("email").map((key) => key.slice(key.indexOf("@") + 1))]),
    emails: new Set(of("email")),
    phones: of("phone"),
  };
}

function isAllowed(contact: Contact, allowed: ReturnType<typeof allowedIn>): boolean {
  if (contact.kind === "email") return allowed.emails.has(contact.key);
  if (contact.kind === "link") {
    const { host, key } = linkKey(contact.key);
    // A bare host name is allowed when the passages link to that host.
    return allowed.links.has(key) || (key === host && allowed.hosts.has(host));
  }
  // The same number with or without its country code (+1 555… and 555…).
  return allowed.phones.some((known) => {
    const [shorter, longer] = known.length <= contact.key.length ? [known, contact.key] : [contact.key, known];
    return shorter === longer || (shorter.length >= 7 && longer.endsWith(shorter));
  });
}

const SHINGLE_WORDS = 8;

function words(text: string): Array<{ word: string; index: number }> {
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ word: m[0].toLowerCase(), index: m.index }));
}

function shingles(text: string): Set<string> {
  const list = words(text).map((w) => w.word);
  const result = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= list.length; i++) result.add(list.slice(i, i + SHINGLE_WORDS).join(" "));
  return result;
}

/** Eight words in a row from a system prompt, or the assistant speaking of its instructions, unless the passages say the same. */
function promptLeakFinder(context: GuardContext): (answer: string) => GuardFinding[] {
  const passages = context.passages.join("\n").toLowerCase();
  const quoted = shingles(passages);
  const secret = new Set((context.secrets ?? []).flatMap((s) => [...shingles(s)].filter((shingle) => !quoted.has(shingle))));
  return (answer) => {
    const findings: GuardFinding[] = [];
    const list = words(answer);
    for (let i = 0; secret.size > 0 && i + SHINGLE_WORDS <= list.length; i++) {
      const shingle = list.slice(i, i + SHINGLE_WORDS).map((w) => w.word).join(" ");
      if (secret.has(shingle)) {
        findings.push({ kind: "prompt_leak", text: shingle, index: list[i].index });
        break;
      }
    }
    for (const m of answer.matchAll(DISCLOSURE)) {
      if (!passages.includes(m[0].toLowerCase())) findings.push({ kind: "prompt_leak", text: m[0], index: m.index });
    }
    return findings.sort((a, b) => a.index - b.index);
  };
}

export function findPromptLeaks(answer: string, context: GuardContext): GuardFinding[] {
  return promptLeakFinder(context)(answer);
}

/**
 * A checker for answers against one context (the passages are read once): the answer's
 * links, e-mail addresses and phone numbers that the cited passages do not contain, and
 * any prompt leak.
 */
export function answerChecker(context: GuardContext): (answer: string) => GuardVerdict {
  const allowed = allowedIn(context);
  const leaks = promptLeakFinder(context);
  return (answer) => {
    const foreign: GuardFinding[] = findContacts(answer)
      .filter((contact) => !isAllowed(contact, allowed))
      .map(({ kind, text, index }) => ({ kind, text, index }));
    const findings = [...foreign, ...leaks(answer)].sort((a, b) => a.index - b.index);
    return { safe: findings.length === 0, findings };
  };
}

export function checkAnswer(answer: string, context: GuardContext): GuardVerdict {
  return answerChecker(context)(answer);
}

/** "a link (evil.example/reset), an e-mail address (x@evil.example)": for logs and tickets. */
export function describeFindings(findings: GuardFinding[]): string {
  const names: Record<FindingKind, string> = { link: "a link", email: "an e-mail address", phone: "a phone number", prompt_leak: "its instructions" };
  return findings.map((f) => `${names[f.kind]} (${f.text})`).join(", ");
}
