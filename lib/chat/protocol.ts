import type { UIMessage } from "ai";
import { z } from "zod";
import { text } from "@/lib/text";

/**
 * The chat protocol between the widget and the server, declared once: what the widget
 * sends (request schemas and limits) and what it receives (the streamed UI message, its
 * status parts and metadata, stored messages). Imported by the widget in the browser and
 * by the routes and lib/ on the server, so it holds only zod schemas and types: no
 * "server-only", no Node modules.
 */

// Limits

/** The longest question a visitor may send (characters, after trimming). */
export const MAX_MESSAGE_CHARS = 4_000;
/** The longest conversation token accepted (characters). */
export const MAX_TOKEN_CHARS = 4_000;
/** The body limit of the widget's small JSON requests (session, e-mail, rating, hand-over). */
export const SMALL_BODY_BYTES = 8 * 1024;

// Messages, statuses and metadata

export type SenderType = "user" | "ai" | "human" | "system";

/** The phases the widget's status line shows, in order. */
export const CHAT_PHASES = ["checking_cache", "searching", "answering", "waiting_for_agent", "resolved"] as const;
export type ChatPhase = (typeof CHAT_PHASES)[number];
/** The phases while the assistant works on a question (the agent reports them as it goes). */
export type WorkingPhase = Extract<ChatPhase, "checking_cache" | "searching" | "answering">;

interface WaitingStatus {
  status: "waiting_for_agent";
  ticketNumber: number;
  ticketId: string;
  /** A follow-up delivered to the humans of an open ticket (no assistant answer). */
  appended?: boolean;
}

/** The `data-status` part the chat stream sends (one part, id "status", updated in place). */
export type ChatStatus = { status: Exclude<ChatPhase, "waiting_for_agent"> } | WaitingStatus;

/** A `data-status` payload as a client reads it: it crossed the network, so only `status` is sure. */
export type ReceivedStatus = { status: ChatPhase } & Partial<Omit<WaitingStatus, "status">>;

/** A source under an answer, as the visitor sees it (no ids, no similarity). */
export interface ChatCitation {
  title: string;
  url: string | null;
  page?: number;
}

/** How an assistant answer came about: sent with the streamed answer, stored with the message. */
export interface AnswerMetadata {
  fromCache: boolean;
  /** Answered by the offline extractive answerer: the UI labels it "offline mode". */
  offline: boolean;
  confidence: number | null;
  modelCalls: number;
}

/**
 * A chat message's metadata: sent by POST /chat/stream (`messageMetadata`), or read from a
 * stored message (GET /chat/history, /chat/events).
 */
export interface ChatMessageMetadata extends Partial<AnswerMetadata> {
  /** The stored message's id (the stream's own message ids are client-side). */
  messageId?: string;
  ticketId?: string;
  ticketNumber?: number;
  /** An answer streamed before its check failed: a colleague will confirm it. */
  unconfirmed?: boolean;
  /** Where the server's time went, with CHAT_SERVER_TIMING=1 (lib/chat/timing.ts). */
  serverTiming?: { embedMs: number; dbMs: number };
  senderType?: SenderType;
  createdAt?: string;
  citations?: ChatCitation[];
  /** small_talk, bridge, closed: what kind of assistant or system message this is. */
  kind?: string;
}

/** A chat message in the AI SDK's UI message format: the assistant's streamed answer, or a stored message. */
export type ChatUIMessage = UIMessage<ChatMessageMetadata, { status: ChatStatus }>;

/** What a visitor may see of a stored message's metadata (an allow-list: lib/chat/visitor-view.ts). */
export interface VisitorMessageMetadata {
  kind?: string;
  status?: string;
  ticketNumber?: number;
  fromCache?: boolean;
  offline?: boolean;
  /** A streamed draft whose check failed: a colleague will confirm it. */
  unconfirmed?: boolean;
  citations?: ChatCitation[];
}

/** A stored message as a visitor may see it (GET /chat/history, each /chat/events `message` event). */
export interface VisitorMessage {
  id: string;
  conversationId: string;
  ticketId: string | null;
  senderType: SenderType;
  content: string;
  metadata: VisitorMessageMetadata;
  createdAt: string;
}

// Requests

/** The conversation token in a JSON body. */
const conversationToken = text().min(1, "token is required").max(MAX_TOKEN_CHARS);

const uiMessageSchema = z.object({
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.looseObject({ type: z.string(), text: text().optional() })).max(100),
});

function lastUserText(messages: z.infer<typeof uiMessageSchema>[] | undefined): string | undefined {
  const last = messages?.findLast((m) => m.role === "user");
  return last?.parts.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("\n");
}

/**
 * POST /chat/stream: either `{ token, message }` or the body AI SDK's useChat sends
 * (`{ messages: [...] }`, with the token in the body or an `Authorization: Bearer` header).
 */
export const chatStreamRequestSchema = z
  .object({
    token: text().min(1).max(MAX_TOKEN_CHARS).optional(),
    message: text().optional(),
    messages: z.array(uiMessageSchema).max(500).optional(),
  })
  .transform((body) => ({ token: body.token ?? null, message: body.message ?? lastUserText(body.messages) ?? "" }))
  .pipe(
    z.object({
      token: z.string().nullable(),
      message: z
        .string()
        .trim()
        .min(1, "The message is empty (send { message } or useChat's { messages }).")
        .max(MAX_MESSAGE_CHARS, `The message is longer than ${MAX_MESSAGE_CHARS} characters.`),
    }),
  );
export type ChatStreamRequest = z.input<typeof chatStreamRequestSchema>;

/** POST /chat/session: starts (or resumes, with a kept token) a widget conversation. */
export const sessionRequestSchema = z.object({
  widgetKey: text().trim().min(1, "widgetKey is required").max(200),
  token: text().max(MAX_TOKEN_CHARS).nullish(),
  /** A logged-in user of the tenant's site: their id and its HMAC (identity verification). */
  identity: z
    .object({ userId: text().trim().min(1).max(200), userHash: text().max(200) })
    .nullish(),
});
export type SessionRequest = z.input<typeof sessionRequestSchema>;

/** POST /chat/email: where the visitor wants the follow-up. */
export const emailRequestSchema = z.object({
  token: conversationToken,
  email: text().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(320)),
});
export type EmailRequest = z.input<typeof emailRequestSchema>;

export const RATINGS = ["helpful", "not_helpful"] as const;
export type Rating = (typeof RATINGS)[number];

/** POST /chat/rate: rates one of the assistant's answers. */
export const rateRequestSchema = z.object({
  token: conversationToken,
  messageId: z.uuid("messageId must be the id of a message in your conversation"),
  rating: z.enum(RATINGS, { error: 'rating must be "helpful" or "not_helpful"' }),
});
export type RateRequest = z.input<typeof rateRequestSchema>;

/** POST /chat/handover: "Talk to a person". */
export const handoverRequestSchema = z.object({ token: conversationToken });
export type HandoverRequest = z.input<typeof handoverRequestSchema>;

/** GET /chat/events: the cursor, `?after=<message id>` or the Last-Event-ID header. */
export const eventsCursorSchema = z.uuid().nullable();

// Responses

/** GET /chat/history: a returning visitor's conversation. */
export interface HistoryResponse {
  conversationId: string;
  email: string | null;
  messages: VisitorMessage[];
  tickets: { id: string; number: number; status: string }[];
  /** Message id → the visitor's rating of it. */
  ratings: Record<string, Rating>;
}

/** POST /chat/handover: the conversation's ticket, and the hand-over message if one was just opened. */
export interface HandoverResponse {
  ticketId: string;
  ticketNumber: number;
  message: VisitorMessage | null;
}
