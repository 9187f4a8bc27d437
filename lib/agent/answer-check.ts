import { checkAnswer, type GuardContext, type GuardVerdict } from "@/lib/ai/answer-guard";
import { looksLikeInjection, withoutInstructions } from "@/lib/ai/prompt-injection";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { passageText, SYSTEM_PROMPTS } from "./prompts";
import type { AgentStateValue } from "./state";

/*
 * The agent's use of the output guard (lib/ai/answer-guard.ts). A draft that fails it is
 * not delivered: it is handed to a human (escalation reason "unsafe_answer"), with what
 * the visitor already saw kept as unconfirmed. Stripping the offending link or address
 * was rejected: the sentence around it ("e-mail your password to …") is the attack as
 * much as the address, and a stripped answer still reads as confirmed advice. Guardrail
 * layers block rather than edit (NeMo Guardrails' output rails refuse the whole message;
 * Azure OpenAI's default streaming checks buffered text before releasing it and stops the
 * stream on a violation); here the refusal is a hand-over, so the question still gets a
 * person's answer.
 */

/** The passages an answer cites (its citations name their chunks). */
export function citedPassages(state: Pick<AgentStateValue, "relevant" | "citations">): RetrievedChunk[] {
  const ids = new Set(state.citations.map((c) => c.chunkId));
  return state.relevant.filter((chunk) => ids.has(chunk.id));
}

/** What the guard compares an answer with: the passages as the model saw them, their sources' links, the system prompts. */
export function guardContext(chunks: RetrievedChunk[]): GuardContext {
  return { passages: chunks.map(passageText), urls: chunks.flatMap((c) => (c.url ? [c.url] : [])), secrets: SYSTEM_PROMPTS };
}

/** The draft against the passages it cites. */
export function checkDraft(state: Pick<AgentStateValue, "draft" | "relevant" | "citations">): GuardVerdict {
  return checkAnswer(state.draft ?? "", guardContext(citedPassages(state)));
}

/**
 * A run to be careful with: the question speaks to the assistant, or one of the passages
 * did (a poisoned page). Its answer is held until checked, never streamed; cache_update
 * asks the same of the passages the answer cites, and never caches it for the next visitor.
 */
export function isSuspicious(state: Pick<AgentStateValue, "question" | "relevant">): boolean {
  return looksLikeInjection(state.question) || state.relevant.some((chunk) => withoutInstructions(chunk.content).removed > 0);
}
