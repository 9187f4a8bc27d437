import "server-only";
import type { AgentEvent } from "@/lib/agent/context";
import type { AgentGraph } from "@/lib/agent/graph";
import { memoizedEmbedding, type QuestionEmbedding, type RunMemo } from "@/lib/agent/question-embedding";
import { askAgent, type AgentQuestion } from "@/lib/agent/run";
import { timed, type RequestTiming } from "@/lib/chat/timing";
import { cacheHitEvent, checkCache, type CacheCheck } from "./cached-answer";

export interface StoredQuestion extends Omit<AgentQuestion, "settings" | "embedding" | "startedAt"> {
  /**
   * What the question's own transaction already did (lib/flows/ask-question.ts): the
   * question's embedding, when it was started, and the cache lookup, when it could run there.
   */
  prepared?: { embedding?: Promise<QuestionEmbedding>; cacheCheck?: CacheCheck };
  /** Where the time goes (CHAT_SERVER_TIMING=1). */
  timing?: RequestTiming;
}

/** The first event of every answer: the widget shows that the cache is being checked. */
export const CHECKING_CACHE: AgentEvent = { type: "status", status: "checking_cache" };

/**
 * Answers a stored question: from the cache when it can (a hit ends here: no retrieval,
 * no model call, no graph run or checkpoint), else by the agent's run, which starts at
 * retrieval with the embedding and settings of this lookup.
 */
export async function* answerQuestion(input: StoredQuestion, graph?: AgentGraph): AsyncGenerator<AgentEvent> {
  const startedAt = performance.now();
  const memo: RunMemo = { embedding: input.prepared?.embedding };
  yield CHECKING_CACHE;
  let check = input.prepared?.cacheCheck;
  if (!check) {
    const embedding = await (memo.embedding ?? timed(input.timing, "embedMs", () => memoizedEmbedding(memo, input.question)));
    const question = { tenantId: input.claims.app_metadata.tenant_id, conversationId: input.conversationId, text: input.question };
    check = await timed(input.timing, "dbMs", () => checkCache(input.claims, question, embedding));
  }
  if (check.hit) {
    yield cacheHitEvent(check.hit);
    return;
  }
  const { prepared: _prepared, timing: _timing, ...question } = input;
  yield* askAgent({ ...question, settings: check.settings, embedding: memo.embedding, startedAt }, graph);
}
