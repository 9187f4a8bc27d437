import { Annotation } from "@langchain/langgraph";
import type { AnswerEvidence } from "@/lib/ai/answer-calibration";
import type { Citation, RetrievedChunk } from "@/lib/ai/retrieval-types";
import type { AnswerDelivery } from "@/lib/tenants/settings";
import type { EscalationReason } from "@/lib/tickets/escalation";

/** The conversation as the graph sees it; the messages table is the record users see. */
export interface AgentMessage {
  role: "user" | "assistant" | "human_agent" | "system";
  content: string;
}

export type AgentOutcome = "answered" | "escalated" | "resolved";

export type { EscalationReason };

export type { AnswerDelivery };

/** Speed of one generated answer, recorded beside it. */
export interface GenerationStats {
  /** From the question reaching the agent to the first generated token. */
  ttftMs: number;
  /** Output tokens per second after the first one (null when too few to tell). */
  tokensPerSecond: number | null;
  outputTokens: number;
}

/** The tenant's settings a run answers under, read with the cache lookup that preceded it. */
export interface AgentSettings {
  confidence_threshold: number;
  cache_ttl_days: number;
  answer_delivery: AnswerDelivery;
}

/** What a human sends back through `Command({ resume })`. */
export interface HumanResolution {
  answer: string;
  notifyEmail: boolean;
  resolvedBy: string;
  /** The reviewed, generic entry for the cache; the reply itself is never cached. */
  reusable?: { question: string; answer: string } | null;
  /** Close the ticket with this reply (absent in older checkpoints: they always closed). */
  close?: boolean;
}

const latest = <T>(initial: T) => Annotation<T>({ reducer: (_previous, next) => next, default: () => initial });

/**
 * The graph's state, checkpointed in Postgres (schema langgraph). It never holds the
 * caller's claims: those travel in config.configurable on each run, so a resumed thread
 * runs with the rights of whoever resumed it (a staff member authorised for the ticket).
 */
export const AgentState = Annotation.Root({
  messages: Annotation<AgentMessage[]>({ reducer: (previous, next) => previous.concat(next), default: () => [] }),
  tenant_id: Annotation<string>,
  conversation_id: Annotation<string>,
  user_message_id: Annotation<string>,
  question: Annotation<string>,
  user_email: latest<string | null>(null),
  confidence_threshold: latest(0.7),
  cache_ttl_days: latest(7),
  answer_delivery: latest<AnswerDelivery>("stream"),
  retrieved: latest<RetrievedChunk[]>([]),
  relevant: latest<RetrievedChunk[]>([]),
  draft: latest<string | null>(null),
  citations: latest<Citation[]>([]),
  confidence: latest<number | null>(null),
  /** A local model's calibrated probability that the passages answer the question (grade sets it). */
  relevance: latest<number | null>(null),
  answer: latest<string | null>(null),
  offline: latest(false),
  /** The evidence behind the offline answerer's confidence (kept for calibration and staff). */
  answer_evidence: latest<AnswerEvidence | null>(null),
  /** Id of the text part the draft was streamed in; null when it was held. */
  streamed_id: latest<string | null>(null),
  /** What of a streamed draft the visitor saw, when the output guard stopped the stream (null: all of it). */
  shown_draft: latest<string | null>(null),
  generation: latest<GenerationStats | null>(null),
  model_calls: Annotation<number>({ reducer: (total, calls) => total + calls, default: () => 0 }),
  escalation_reason: latest<EscalationReason | null>(null),
  ticket_id: latest<string | null>(null),
  ticket_number: latest<number | null>(null),
  resolution: latest<HumanResolution | null>(null),
  outcome: latest<AgentOutcome | null>(null),
});

export type AgentStateValue = typeof AgentState.State;
export type AgentStateUpdate = typeof AgentState.Update;
