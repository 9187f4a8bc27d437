import type { UIMessage } from "ai";

/** The widget's status line, sent as `data-status` parts (one part, id "status", updated in place). */
export type ChatStatus =
  | { status: "checking_cache" | "searching" | "answering" | "resolved" }
  | { status: "waiting_for_agent"; ticketNumber: number; ticketId: string; appended?: boolean };

export interface ChatMessageMetadata {
  fromCache: boolean;
  /** Answered by the offline extractive answerer: the UI labels it "offline mode". */
  offline: boolean;
  confidence: number | null;
  messageId?: string;
  ticketNumber?: number;
  modelCalls?: number;
  /** The answer text streamed before it was handed over: a colleague will confirm it. */
  unconfirmed?: boolean;
  /** Where the server's time went, with CHAT_SERVER_TIMING=1 (lib/chat/timing.ts). */
  serverTiming?: { embedMs: number; dbMs: number };
}

/** The assistant message streamed by POST /chat/stream (AI SDK UI message stream). */
export type ChatUIMessage = UIMessage<ChatMessageMetadata, { status: ChatStatus }>;
