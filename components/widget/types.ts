import type { UIMessage } from "ai";

export type SenderType = "user" | "ai" | "human" | "system";

export type ChatPhase = "checking_cache" | "searching" | "answering" | "waiting_for_agent" | "resolved";

/** The `data-status` part the chat stream sends while the agent works. */
export interface StatusData {
  status: ChatPhase;
  ticketNumber?: number;
  ticketId?: string;
  /** A follow-up delivered to the humans of an open ticket (no assistant answer). */
  appended?: boolean;
}

export interface Citation {
  title: string;
  url: string | null;
}

/** Per-message metadata: from the stream (`messageMetadata`) or from the stored history. */
export interface WidgetMetadata {
  senderType?: SenderType;
  createdAt?: string;
  fromCache?: boolean;
  offline?: boolean;
  confidence?: number | null;
  ticketId?: string;
  ticketNumber?: number;
  citations?: Citation[];
  /** An answer streamed before its check failed: a colleague will confirm it. */
  unconfirmed?: boolean;
  /** The stored message's id (the stream's own message ids are client-side). */
  messageId?: string;
  /** small_talk, bridge, closed: what kind of assistant or system message this is. */
  kind?: string;
}

export type WidgetMessage = UIMessage<WidgetMetadata, { status: StatusData }>;

/** A message as GET /chat/history and /chat/events return it. */
export interface StoredMessage {
  id: string;
  ticketId?: string | null;
  senderType: SenderType;
  content: string;
  createdAt: string;
  metadata?: Record<string, unknown> | null;
}

export interface Ticket {
  ticketNumber: number;
  ticketId?: string;
}

export const MAX_MESSAGE_CHARS = 4000;
