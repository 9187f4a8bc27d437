import "server-only";
import { Command } from "@langchain/langgraph";
import type { RequestClaims } from "@/lib/db/claims";
import { threadIdFor, type AgentEvent } from "./context";
import { getAgentGraph, type AgentGraph } from "./graph";
import type { QuestionEmbedding, RunMemo } from "./question-embedding";
import type { AgentSettings, HumanResolution } from "./state";

export interface AgentQuestion {
  claims: RequestClaims;
  conversationId: string;
  userMessageId: string;
  question: string;
  userEmail: string | null;
  /** The tenant's settings, read by the cache lookup that missed (lib/flows/cached-answer.ts). */
  settings: AgentSettings;
  /** The question's embedding, already started for the cache lookup. */
  embedding?: Promise<QuestionEmbedding>;
  /** performance.now() when the question reached the server's answering: time to first token counts from here. */
  startedAt?: number;
}

/**
 * Runs the graph for one user question the cache could not answer, yielding its
 * progress events as they happen. The graph starts at retrieval: the cache lookup is
 * the flow's (lib/flows/answer-question.ts), and a hit never starts a run.
 */
export async function* askAgent(input: AgentQuestion, graph?: AgentGraph): AsyncGenerator<AgentEvent> {
  const memo: RunMemo = { embedding: input.embedding, startedAt: input.startedAt ?? performance.now() };
  const agent = graph ?? (await getAgentGraph());
  const stream = await agent.stream(
    {
      tenant_id: input.claims.app_metadata.tenant_id,
      conversation_id: input.conversationId,
      user_message_id: input.userMessageId,
      question: input.question,
      user_email: input.userEmail,
      ...input.settings,
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
