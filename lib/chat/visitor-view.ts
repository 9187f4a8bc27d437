import type { ChatMessage } from "./messages";
import type { ChatCitation, VisitorMessage, VisitorMessageMetadata } from "./protocol";

/**
 * An allow-list, not a deny-list: message metadata also serves staff (who resolved a
 * ticket, which cache entry answered and how similar it was, model details), and a key
 * added there later must not reach visitors by default.
 */
export function toVisitorMessage(message: ChatMessage): VisitorMessage {
  const meta = message.metadata ?? {};
  const view: VisitorMessageMetadata = {};
  if (typeof meta.kind === "string") view.kind = meta.kind;
  if (typeof meta.status === "string") view.status = meta.status;
  if (typeof meta.ticketNumber === "number") view.ticketNumber = meta.ticketNumber;
  if (typeof meta.fromCache === "boolean") view.fromCache = meta.fromCache;
  if (typeof meta.offline === "boolean") view.offline = meta.offline;
  if (meta.unconfirmed === true) view.unconfirmed = true;
  if (Array.isArray(meta.citations)) view.citations = meta.citations.flatMap(visitorCitation);
  return {
    id: message.id,
    conversationId: message.conversationId,
    ticketId: message.ticketId,
    senderType: message.senderType,
    content: message.content,
    metadata: view,
    createdAt: message.createdAt,
  };
}

function visitorCitation(value: unknown): ChatCitation[] {
  if (!value || typeof value !== "object") return [];
  const c = value as Record<string, unknown>;
  const title = typeof c.title === "string" ? c.title : typeof c.url === "string" ? c.url : "Source";
  const citation: ChatCitation = { title, url: typeof c.url === "string" ? c.url : null };
  if (typeof c.page === "number") citation.page = c.page;
  return [citation];
}
