import "server-only";
import { Command } from "@langchain/langgraph";
import type { RequestClaims } from "@/lib/db/claims";
import { threadIdFor, type AgentEvent } from "./context";
import { getAgentGraph, type AgentGraph } from "./graph";
import { cacheHitEvent, checkCache, type CacheCheck } from "@/lib/flows/cached-answer";
import { memoizedEmbedding, type QuestionEmbedding, type RunMemo } from "./question-embedding";
import type { HumanResolution } from "./state";
import { timed, type RequestTiming } from "@/lib/chat/timing";

export interface AgentQuestion {
  claims: RequestClaims;
  conversationId: string;
  userMessageId: string;
  question: string;
  userEmail: string | null;
  /**
   * What the chat already did (lib/chat/ask.ts): the question's embedding, when it was
   * started, and the cache check, when it could run in the question's transaction.
   */
  prepared?: { embedding?: Promise<QuestionEmbedding>; cacheCheck?: CacheCheck };
  /** Where the time goes (CHAT_SERVER_TIMING=1). */
  timing?: RequestTiming;
}

/**
 * Runs the graph for one user question, yielding its progress events as they happen.
 *
 * cache_check, the graph's first node, runs here first, outside the graph machinery: a
 * hit ends the run right there and a thread that ends at cache_check is never read or
 * resumed, so starting the graph and checkpointing it (a transaction of serialised
 * state) would only cost a hit most of its time. The events and the rows a hit produces
 * (the answer message, the hit count) are exactly those of the node; only the unused
 * end-of-run checkpoint of the thread is not written. A miss runs the graph, whose
 * cache_check node takes this result from the run's memo instead of looking again.
 */
export async function* askAgent(input: AgentQuestion, graph?: AgentGraph): AsyncGenerator<AgentEvent> {
  const memo: RunMemo = { embedding: input.prepared?.embedding, startedAt: performance.now() };
  const tenantId = input.claims.app_metadata.tenant_id;
  if (input.prepared?.cacheCheck) memo.cacheCheck = input.prepared.cacheCheck;
  else {
    const embedding = await (memo.embedding ? memo.embedding : timed(input.timing, "embedMs", () => memoizedEmbedding(memo, input.question)));
    const question = { tenantId, conversationId: input.conversationId, text: input.question };
    memo.cacheCheck = await timed(input.timing, "dbMs", () => checkCache(input.claims, question, embedding));
  }
  if (memo.cacheCheck.hit) {
    yield { type: "status", status: "checking_cache" };
    yield cacheHitEvent(memo.cacheCheck.hit);
    return;
  }
  const agent = graph ?? (await getAgentGraph());
  const stream = await agent.stream(
    {
      tenant_id: tenantId,
      conversation_id: input.conversationId,
      user_message_id: input.userMessageId,
      question: input.question,
      user_email: input.userEmail,
      messages: [{ role: "user", content: input.question }],
    },
    {
      configurable: {
        thread_id: threadIdFor(input.conversationId, input.userMessageId),
        claims: input.claims,
        memo,
      },
      streamMode: "custom",
      // Checkpoint once, when the run ends or pauses in escalate: a paused thread is the
      // only state ever resumed, and per-step checkpoints more than doubled the
      // statements of a cache miss (54 instead of 127).
      durability: "exit",
    },
  );
  for await (const event of stream) yield event as AgentEvent;
}

/**
 * Resumes a thread paused in escalate with the human's answer, running with the staff
 * member's claims. Returns false when the thread is not paused there (already resumed,
 * or the ticket came from the chat route's safety net without a paused graph).
 */
export async function resumeAgent(
  claims: RequestClaims,
  threadId: string,
  resolution: HumanResolution,
  graph?: AgentGraph,
): Promise<boolean> {
  const agent = graph ?? (await getAgentGraph());
  const config = { configurable: { thread_id: threadId, claims } };
  const snapshot = await agent.getState(config);
  const paused = snapshot.tasks.some((task) => task.name === "escalate" && task.interrupts.length > 0);
  if (!paused) return false;
  await agent.invoke(new Command({ resume: resolution }), { ...config, durability: "exit" });
  return true;
}
