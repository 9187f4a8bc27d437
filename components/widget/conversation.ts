import {
  CHAT_PHASES,
  type ChatCitation,
  type ChatMessageMetadata,
  type ChatPhase,
  type ChatUIMessage,
  type ReceivedStatus,
  type SenderType,
  type VisitorMessage,
} from "@/lib/chat/protocol";

/** A ticket the conversation opened, as the widget shows it. */
export interface Ticket {
  ticketNumber: number;
  ticketId?: string;
}

/** Reads a `data-status` payload defensively: it crosses the network, so it is unknown. */
export function readStatus(data: unknown): ReceivedStatus | null {
  if (!data || typeof data !== "object") return null;
  const record = data as Record<string, unknown>;
  const status = record.status;
  if (typeof status !== "string" || !CHAT_PHASES.includes(status as ChatPhase)) return null;
  const ticketNumber = Number(record.ticketNumber);
  return {
    status: status as ChatPhase,
    ticketNumber: Number.isFinite(ticketNumber) && ticketNumber > 0 ? ticketNumber : undefined,
    ticketId: typeof record.ticketId === "string" ? record.ticketId : undefined,
    appended: record.appended === true,
  };
}

export function senderOf(message: ChatUIMessage): SenderType {
  if (message.role === "user") return "user";
  return message.metadata?.senderType ?? "ai";
}

export function textOf(message: ChatUIMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** The texts of a message's text parts, in order (a handed-over stream has the draft, then the notice). */
export function textPartsOf(message: ChatUIMessage): string[] {
  return message.parts.flatMap((part) => (part.type === "text" && part.text ? [part.text] : []));
}

export function statusPartsOf(message: ChatUIMessage): ReceivedStatus[] {
  const statuses: ReceivedStatus[] = [];
  for (const part of message.parts) {
    if (part.type === "data-status") {
      const status = readStatus(part.data);
      if (status) statuses.push(status);
    }
  }
  return statuses;
}

/** The ticket a message opened, whether it came live from the stream or from the history. */
export function ticketOpenedBy(message: ChatUIMessage): Ticket | null {
  if (senderOf(message) === "human" || message.role === "user") return null;
  const waiting = statusPartsOf(message).find((s) => s.status === "waiting_for_agent" && s.ticketNumber && !s.appended);
  if (waiting?.ticketNumber) return { ticketNumber: waiting.ticketNumber, ticketId: waiting.ticketId };
  const meta = message.metadata;
  if (meta?.kind === "bridge" && meta.ticketNumber) return { ticketNumber: meta.ticketNumber, ticketId: meta.ticketId };
  return null;
}

/** A follow-up the widget sent while a ticket was open: it went to the team, not the assistant. */
export function isAppended(message: ChatUIMessage): boolean {
  return statusPartsOf(message).some((s) => s.appended);
}

/**
 * The visitor's question a human reply answers: the last question before the ticket's
 * hand-over message, so the reply is shown under it even with several tickets.
 */
export function questionAnsweredBy(messages: ChatUIMessage[], reply: ChatUIMessage): string | null {
  const ticketId = reply.metadata?.ticketId;
  if (!ticketId || senderOf(reply) !== "human") return null;
  const opened = messages.findIndex((m) => ticketOpenedBy(m)?.ticketId === ticketId);
  const question = opened > 0 ? messages.slice(0, opened).findLast((m) => m.role === "user") : undefined;
  return question ? textOf(question) : null;
}

/** The id the server knows a stored or streamed assistant message by (ratings use it). */
export function storedIdOf(message: ChatUIMessage): string {
  return message.metadata?.messageId ?? message.id;
}

/**
 * Tickets still waiting for a human: opened by some message and not yet followed by a
 * human answer for that ticket (a human answer without a ticket id settles all before it)
 * nor known to be resolved (the history lists ticket states).
 */
export function pendingTickets(messages: ChatUIMessage[], resolved: ReadonlySet<string> = new Set()): Map<string, Ticket> {
  const pending = new Map<string, Ticket>();
  for (const message of messages) {
    const opened = ticketOpenedBy(message);
    if (opened && !(opened.ticketId && resolved.has(opened.ticketId))) pending.set(message.id, opened);
    // A human reply, or the team closing the ticket, settles it.
    if (senderOf(message) !== "human" && message.metadata?.kind !== "closed") continue;
    const answered = message.metadata?.ticketId;
    for (const [id, ticket] of pending) {
      if (!answered || !ticket.ticketId || ticket.ticketId === answered) pending.delete(id);
    }
  }
  return pending;
}

function readCitations(value: unknown): ChatCitation[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const citations = value
    .filter((c): c is Record<string, unknown> => Boolean(c) && typeof c === "object")
    .map((c) => ({ title: String(c.title ?? c.url ?? "Source"), url: typeof c.url === "string" ? c.url : null }));
  return citations.length ? citations : undefined;
}

/** A stored message as the chat shows it: same shape as the ones streamed by useChat. */
export function fromStored(stored: VisitorMessage): ChatUIMessage {
  const meta = stored.metadata ?? {};
  const ticketNumber = Number(meta.ticketNumber);
  const metadata: ChatMessageMetadata = {
    senderType: stored.senderType,
    createdAt: stored.createdAt,
    fromCache: meta.fromCache === true,
    offline: meta.offline === true,
    ticketId: stored.ticketId ?? undefined,
    ticketNumber: Number.isFinite(ticketNumber) && ticketNumber > 0 ? ticketNumber : undefined,
    citations: readCitations(meta.citations),
    unconfirmed: meta.unconfirmed === true,
    kind: typeof meta.kind === "string" ? meta.kind : undefined,
  };
  return {
    id: stored.id,
    role: stored.senderType === "user" ? "user" : "assistant",
    metadata,
    parts: [{ type: "text", text: stored.content }],
  };
}

/** Adds messages not already shown (by id), keeping the existing order. */
export function mergeMessages(current: ChatUIMessage[], incoming: ChatUIMessage[]): ChatUIMessage[] {
  const known = new Set(current.map((m) => m.id));
  const fresh = incoming.filter((m) => !known.has(m.id));
  return fresh.length ? [...current, ...fresh] : current;
}
