import "server-only";
import { randomUUID } from "node:crypto";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { findOpenTicket, openTicket } from "@/lib/tickets/escalation";
import { notifyConversation } from "@/lib/chat/events";
import type { ChatMessage } from "@/lib/chat/messages";
import type { VisitorSession } from "@/lib/chat/token";

export interface Handover {
  ticketId: string;
  ticketNumber: number;
  /** The bridge message, as the widget shows it (null when a ticket was already open). */
  message: ChatMessage | null;
}

/**
 * "Talk to a person": hands the conversation to the team at the visitor's request. With
 * a ticket already open nothing new is made (one open ticket per conversation); else a
 * ticket is opened with the visitor's last question and the bridge message.
 */
export async function requestHandover(visitor: VisitorSession): Promise<Handover> {
  return withTenant(visitor.claims, async (tx) => {
    const open = await findOpenTicket(tx, visitor.conversationId);
    if (open) return { ticketId: open.id, ticketNumber: open.number, message: null };
    const { rows } = await tx.query<{ content: string }>(
      "select content from public.messages where conversation_id = $1 and sender_type = 'user' order by created_at desc limit 1",
      [visitor.conversationId],
    );
    const conversation = await tx.query("select 1 from public.conversations where id = $1", [visitor.conversationId]);
    if (!conversation.rowCount) throw new AppError("not_found", "This conversation no longer exists; start a new session.");
    const ticket = await openTicket(tx, {
      tenantId: visitor.tenantId,
      conversationId: visitor.conversationId,
      // No paused graph behind it: staff replies are delivered directly.
      threadId: `${visitor.conversationId}:handover:${randomUUID()}`,
      question: rows[0]?.content ?? "The visitor asked to talk to a person.",
      context: [],
      draft: null,
      confidence: null,
      reason: "visitor_request",
    });
    await notifyConversation(tx, { tenantId: visitor.tenantId, conversationId: visitor.conversationId, messageId: ticket.bridgeMessageId });
    const bridge = await tx.query<{ created_at: Date }>("select created_at from public.messages where id = $1", [ticket.bridgeMessageId]);
    return {
      ticketId: ticket.ticketId,
      ticketNumber: ticket.ticketNumber,
      message: {
        id: ticket.bridgeMessageId,
        conversationId: visitor.conversationId,
        ticketId: ticket.ticketId,
        senderType: "system",
        content: ticket.bridgeText,
        metadata: { kind: "bridge", ticketNumber: ticket.ticketNumber, status: "waiting_for_agent" },
        createdAt: bridge.rows[0].created_at.toISOString(),
      },
    };
  });
}
