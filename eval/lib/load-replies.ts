import { SMALL_TALK_REPLIES } from "@/lib/chat/small-talk";
import type { StreamedReply } from "./ui-stream";
import type { Exchange } from "./widget-visitor";

/** What a simulated visitor asks (bench:load): each kind has its own idea of a right reply. */
export type AskKind = "exact" | "paraphrase" | "kb" | "off_topic" | "small_talk" | "follow_up";

/**
 * What a reply was: from the cache (`cache`: the seeded answer expected, or any cached
 * answer where none is expected; `cache_other`: an answer the agent cached meanwhile),
 * answered by the agent, escalated (bridge message), handed to an open ticket, small talk.
 */
export type Outcome = "cache" | "cache_other" | "answered" | "escalated" | "handed_over" | "small_talk";

export interface Verdict {
  outcome: Outcome | null;
  /** Why the reply counts as an error; null when it is right for what was asked. */
  error: string | null;
}

/** The answers seedManyCaches writes (cache-seed.ts expectedAnswer): they name their tenant. */
const SEEDED = /^Cached answer (\d+) of tenant (\d+)\.$/;

function outcomeOf(reply: StreamedReply, text: string): Outcome | null {
  if (reply.status === "waiting_for_agent") return text ? "escalated" : "handed_over";
  if (reply.status === "resolved" && text) return reply.metadata.fromCache === true ? "cache" : "answered";
  return null;
}

/**
 * Whether a chat reply is right for what was asked: never another tenant's answer; an
 * exact repeat gets its cached answer; a paraphrase its cached answer or one the agent
 * cached meanwhile; an off-topic question never a seeded answer; small talk the
 * small-talk reply; a follow-up in a handed-over conversation goes to the ticket (and
 * only then does anything go to a ticket). Missing the cache is not an error: counted.
 */
export function judgeReply(kind: AskKind, exchange: Exchange<StreamedReply>, tenant: number, expected?: string): Verdict {
  const reply = exchange.body;
  if (exchange.error || !reply) return { outcome: null, error: exchange.error ?? "no reply" };
  if (reply.errors.length) return { outcome: null, error: `stream error: ${reply.errors[0]}` };
  const text = reply.text.trim();
  const seeded = SEEDED.exec(text);
  if (seeded && Number(seeded[2]) !== tenant) return { outcome: null, error: "another tenant's cached answer" };
  const outcome = outcomeOf(reply, text);
  if (!outcome) return { outcome: null, error: "the stream ended without an answer or a hand-over" };
  const wrong = (error: string): Verdict => ({ outcome, error });
  if (kind === "follow_up") return outcome === "handed_over" ? { outcome, error: null } : wrong(`a follow-up for the humans got ${outcome}`);
  if (outcome === "handed_over") return wrong("went to a ticket, but none was open");
  if (kind === "small_talk") {
    const replies: readonly string[] = Object.values(SMALL_TALK_REPLIES);
    return outcome === "answered" && replies.includes(text) ? { outcome: "small_talk", error: null } : wrong("not the small-talk reply");
  }
  if (outcome !== "cache") return { outcome, error: null };
  if (kind === "exact" || kind === "paraphrase") {
    if (text === expected) return { outcome, error: null };
    // An exact repeat can only find its own entry; a paraphrase may find one the agent cached.
    return seeded || kind === "exact" ? wrong("a wrong cached answer") : { outcome: "cache_other", error: null };
  }
  if (kind === "off_topic" && seeded) return wrong("a seeded cached answer to an off-topic question");
  return { outcome, error: null };
}
