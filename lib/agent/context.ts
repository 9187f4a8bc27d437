import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { requestClaimsSchema, type RequestClaims } from "@/lib/db/claims";
import type { Citation } from "@/lib/ai/retrieval-types";
import type { AnswerMetadata, WorkingPhase } from "@/lib/chat/protocol";

/** One thread per user question: a conversation can hold several questions and tickets. */
export function threadIdFor(conversationId: string, userMessageId: string): string {
  return `${conversationId}:${userMessageId}`;
}

/** Progress the graph reports while it runs (LangGraph "custom" stream mode). */
export type AgentEvent =
  | { type: "status"; status: WorkingPhase }
  /** A piece of the draft, streamed as it is written (text part `id`). */
  | { type: "answer-delta"; id: string; delta: string }
  | ({
      type: "answer";
      messageId: string;
      text: string;
      /** With the source and chunk ids the cache entry is invalidated by; the widget gets title and link. */
      citations: Citation[];
      /** The text part the answer was already streamed in (its text is not sent again). */
      streamedId?: string | null;
    } & AnswerMetadata)
  | {
      type: "escalated";
      messageId: string;
      text: string;
      ticketId: string;
      ticketNumber: number;
      /** The text part of a draft the visitor already saw: the widget marks it unconfirmed. */
      streamedId?: string | null;
    }
  /** A message while a ticket is open: it went to the humans, not to the assistant. */
  | { type: "handed_over"; ticketId: string; ticketNumber: number };

/**
 * The caller's verified claims, passed per run in config.configurable and never written
 * to the checkpoint. Each node opens its own short withTenant transaction with them.
 */
export function claimsOf(config: LangGraphRunnableConfig): RequestClaims {
  const parsed = requestClaimsSchema.safeParse(config.configurable?.claims);
  if (!parsed.success) throw new Error("Agent run without verified claims in config.configurable.claims");
  return parsed.data;
}

export function emit(config: LangGraphRunnableConfig, event: AgentEvent): void {
  config.writer?.(event);
}
