import "server-only";
import type { StaffSession } from "@/lib/auth/session";
import { notifyConversation } from "@/lib/chat/events";
import { insertMessage } from "@/lib/chat/messages";
import { recordAudit } from "@/lib/db/audit";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { getTicketDetail, type TicketDetail } from "./queries";

export const CLOSED_NOTICE = "This conversation was closed by our team. Write here any time if you need more help.";

async function ticketOrNotFound(tx: Tx, ticketId: string) {
  const { rows } = await tx.query<{ id: string; number: number; status: string; conversation_id: string; tenant_id: string }>(
    "select id, number, status, conversation_id, tenant_id from public.tickets where id = $1 for update",
    [ticketId],
  );
  if (!rows[0]) throw new AppError("not_found", "Ticket not found.");
  return rows[0];
}

/**
 * Closes a ticket without (another) reply, with a reason staff see later. The visitor is
 * told in the chat; their next message goes to the assistant again, and if it needs a
 * human, to a new ticket of the same conversation (staff reopen the old one instead when
 * they want to carry on there).
 */
export async function closeTicket(staff: StaffSession, ticketId: string, reason: string): Promise<TicketDetail> {
  return withTenant(staff.claims, async (tx) => {
    const ticket = await ticketOrNotFound(tx, ticketId);
    if (ticket.status === "resolved") throw new AppError("conflict", `Ticket #${ticket.number} is already closed.`);
    await tx.query(
      `update public.tickets set status = 'resolved', closed_reason = $2, resolved_by = $3, resolved_at = now(),
              resolving_by = null, resolving_at = null
        where id = $1`,
      [ticketId, reason, staff.userId],
    );
    const notice = await insertMessage(tx, {
      tenantId: ticket.tenant_id,
      conversationId: ticket.conversation_id,
      ticketId,
      senderType: "system",
      content: CLOSED_NOTICE,
      metadata: { kind: "closed", ticketNumber: ticket.number },
    });
    await recordAudit(tx, { action: "ticket.closed", targetType: "ticket", targetId: ticketId, details: { ticketNumber: ticket.number, reason } });
    await notifyConversation(tx, { tenantId: ticket.tenant_id, conversationId: ticket.conversation_id, messageId: notice.id });
    return (await getTicketDetail(tx, ticketId)) as TicketDetail;
  });
}

/** Reopens a closed ticket: back with a human if staff had replied, else waiting. */
export async function reopenTicket(staff: StaffSession, ticketId: string): Promise<TicketDetail> {
  return withTenant(staff.claims, async (tx) => {
    const ticket = await ticketOrNotFound(tx, ticketId);
    if (ticket.status !== "resolved") throw new AppError("conflict", `Ticket #${ticket.number} is already open.`);
    const other = await tx.query<{ number: number }>(
      "select number from public.tickets where conversation_id = $1 and status in ('pending_human', 'open') and id <> $2",
      [ticket.conversation_id, ticketId],
    );
    if (other.rows[0]) {
      throw new AppError("conflict", `This conversation already has an open ticket (#${other.rows[0].number}); continue there.`);
    }
    await tx.query(
      `update public.tickets
          set status = case when exists (select 1 from public.messages m where m.ticket_id = $1 and m.sender_type = 'human')
                            then 'open' else 'pending_human' end,
              closed_reason = null, resolved_at = null
        where id = $1`,
      [ticketId],
    );
    await recordAudit(tx, { action: "ticket.reopened", targetType: "ticket", targetId: ticketId, details: { ticketNumber: ticket.number } });
    return (await getTicketDetail(tx, ticketId)) as TicketDetail;
  });
}
