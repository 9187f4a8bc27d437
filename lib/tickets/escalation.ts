import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { insertMessage } from "@/lib/chat/messages";

/**
 * The hand-over message says what will happen: with an address on file, an e-mail goes
 * there; without one, the visitor is asked for it first (the form sits under it).
 */
export function bridgeMessage(ticketNumber: number, email: string | null): string {
  const next = email
    ? `A member of our team will reply here, and we will email you at ${email}.`
    : "A member of our team will reply here. Leave your email address below if you would like the answer by email too.";
  return `I need to check this with an expert. Ticket #${ticketNumber} created. ${next}`;
}

/** Why a question went to the humans (stored on the ticket). */
export type EscalationReason =
  | "low_confidence"
  | "no_relevant_context"
  | "model_error"
  | "model_busy"
  | "retrieval_error"
  | "budget_exhausted"
  | "unexpected_error"
  | "visitor_request"
  /** The output guard held the draft back (a link, address or number not in the passages, or a prompt leak). */
  | "unsafe_answer";

export interface OpenTicketRef {
  id: string;
  number: number;
  status: "pending_human" | "open";
}

/** The conversation's ticket still with humans (waiting or being answered), if any. */
export async function findOpenTicket(tx: Tx, conversationId: string): Promise<OpenTicketRef | null> {
  const { rows } = await tx.query<OpenTicketRef>(
    "select id, number, status from public.tickets where conversation_id = $1 and status in ('pending_human', 'open') limit 1",
    [conversationId],
  );
  return rows[0] ?? null;
}

export interface OpenTicketInput {
  tenantId: string;
  conversationId: string;
  threadId: string;
  question: string;
  /** The retrieved chunks the AI saw, shown to the human who answers. */
  context: unknown[];
  draft: string | null;
  confidence: number | null;
  reason: EscalationReason;
}

export interface OpenedTicket {
  ticketId: string;
  ticketNumber: number;
  bridgeMessageId: string;
  bridgeText: string;
}

/**
 * Creates the ticket for a thread and the bridge message, both at most once: a resumed
 * escalate node re-runs from its start, and the chat route's safety net may call this
 * for a thread the graph already escalated. Looking the ticket up before inserting keeps
 * ticket numbers free of gaps (the number is assigned by an insert trigger); the unique
 * thread_id settles a race. A conversation has at most one open ticket (a partial unique
 * index): when another question of it was handed over meanwhile, that ticket is the
 * answer and no second one is opened.
 */
export async function openTicket(tx: Tx, input: OpenTicketInput): Promise<OpenedTicket> {
  const find = () =>
    tx.query<{ id: string; number: number; user_email: string | null }>(
      "select id, number, user_email from public.tickets where thread_id = $1",
      [input.threadId],
    );
  let ticket = (await find()).rows[0];
  if (!ticket) {
    const open = await findOpenTicket(tx, input.conversationId);
    if (!open) {
      await tx.query(
        `insert into public.tickets (tenant_id, conversation_id, thread_id, question, context, draft, confidence,
           escalation_reason, user_email)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, (select user_email from public.conversations where id = $2))
         on conflict do nothing`,
        [input.tenantId, input.conversationId, input.threadId, input.question, JSON.stringify(input.context), input.draft,
          input.confidence, input.reason],
      );
    }
    ticket =
      (await find()).rows[0] ??
      (await tx.query<{ id: string; number: number; user_email: string | null }>(
        "select id, number, user_email from public.tickets where conversation_id = $1 and status in ('pending_human', 'open')",
        [input.conversationId],
      )).rows[0];
  }
  const text = bridgeMessage(ticket.number, ticket.user_email);
  const existing = await tx.query<{ id: string }>(
    "select id from public.messages where ticket_id = $1 and sender_type = 'system' and metadata ->> 'kind' = 'bridge'",
    [ticket.id],
  );
  const bridgeMessageId =
    existing.rows[0]?.id ??
    (
      await insertMessage(tx, {
        tenantId: input.tenantId,
        conversationId: input.conversationId,
        ticketId: ticket.id,
        senderType: "system",
        content: text,
        metadata: { kind: "bridge", ticketNumber: ticket.number, status: "waiting_for_agent", emailKnown: Boolean(ticket.user_email) },
      })
    ).id;
  return { ticketId: ticket.id, ticketNumber: ticket.number, bridgeMessageId, bridgeText: text };
}
