import "server-only";
import type { RequestClaims } from "@/lib/db/claims";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { listMessages, type ChatMessage } from "@/lib/chat/messages";
import type { Rating } from "@/lib/chat/protocol";

export type TicketStatus = "open" | "pending_human" | "resolved";

export interface TicketSummary {
  id: string;
  number: number;
  status: TicketStatus;
  conversationId: string;
  question: string;
  context: unknown[];
  draft: string | null;
  confidence: number | null;
  escalationReason: string | null;
  userEmail: string | null;
  createdAt: string;
  ageSeconds: number;
}

export interface TicketDetail extends TicketSummary {
  answer: string | null;
  resolvedBy: { id: string; email: string | null; displayName: string | null } | null;
  resolvedAt: string | null;
  closedReason: string | null;
  messages: ChatMessage[];
  /** Staff-only facts about messages: who on staff wrote a reply, how visitors rated answers. */
  authors: Record<string, string>;
  ratings: Record<string, Rating>;
  /** Human replies in this ticket (a reply form sends it back to detect stale sends). */
  humanReplies: number;
}

interface TicketRow {
  id: string;
  number: number;
  status: TicketStatus;
  conversation_id: string;
  question: string;
  context: unknown[];
  draft: string | null;
  confidence: number | null;
  escalation_reason: string | null;
  user_email: string | null;
  created_at: Date;
  age_seconds: number;
}

// The ticket's address, else the one the visitor gave the conversation later.
const summaryColumns = `t.id, t.number, t.status, t.conversation_id, t.question, t.context, t.draft, t.confidence,
  t.escalation_reason, coalesce(t.user_email, c.user_email) as user_email, t.created_at,
  extract(epoch from now() - t.created_at)::int as age_seconds`;

function toSummary(row: TicketRow): TicketSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    conversationId: row.conversation_id,
    question: row.question,
    context: row.context,
    draft: row.draft,
    confidence: row.confidence,
    escalationReason: row.escalation_reason,
    userEmail: row.user_email,
    createdAt: row.created_at.toISOString(),
    ageSeconds: row.age_seconds,
  };
}

/** The tenant's tickets (RLS scopes them), oldest waiting first. */
export async function listTickets(tx: Tx, options: { status?: TicketStatus; limit?: number } = {}): Promise<TicketSummary[]> {
  const { rows } = await tx.query<TicketRow>(
    `select ${summaryColumns}
       from public.tickets t join public.conversations c on c.id = t.conversation_id
      where ($1::text is null or t.status = $1)
      order by t.created_at, t.number
      limit $2`,
    [options.status ?? null, options.limit ?? 200],
  );
  return rows.map(toSummary);
}

/** One ticket with its conversation, or null when it does not exist or is not visible. */
export async function getTicketDetail(tx: Tx, id: string): Promise<TicketDetail | null> {
  const { rows } = await tx.query<
    TicketRow & {
      answer: string | null;
      resolved_by: string | null;
      resolved_at: Date | null;
      resolver_email: string | null;
      resolver_name: string | null;
      closed_reason: string | null;
    }
  >(
    `select ${summaryColumns}, t.answer, t.resolved_by, t.resolved_at, t.closed_reason,
            u.email as resolver_email, u.display_name as resolver_name
       from public.tickets t
       join public.conversations c on c.id = t.conversation_id
       left join public.users u on u.id = t.resolved_by
      where t.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  const messages = await listMessages(tx, row.conversation_id);
  return {
    ...toSummary(row),
    answer: row.answer,
    resolvedBy: row.resolved_by ? { id: row.resolved_by, email: row.resolver_email, displayName: row.resolver_name } : null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    closedReason: row.closed_reason,
    messages,
    ...(await staffFacts(tx, row.conversation_id)),
    humanReplies: messages.filter((m) => m.ticketId === row.id && m.senderType === "human").length,
  };
}

async function staffFacts(tx: Tx, conversationId: string): Promise<Pick<TicketDetail, "authors" | "ratings">> {
  const { rows } = await tx.query<{ id: string; author: string | null; rating: Rating | null }>(
    `select m.id, coalesce(u.display_name, u.email) as author, r.rating
       from public.messages m
       left join public.users u on u.id = m.author_id
       left join public.message_ratings r on r.message_id = m.id
      where m.conversation_id = $1 and (m.author_id is not null or r.rating is not null)`,
    [conversationId],
  );
  const authors: Record<string, string> = {};
  const ratings: Record<string, Rating> = {};
  for (const row of rows) {
    if (row.author) authors[row.id] = row.author;
    if (row.rating) ratings[row.id] = row.rating;
  }
  return { authors, ratings };
}

/** The staff member's tenant's tickets (newest first). */
export function listTicketsAs(claims: RequestClaims, options: { status?: TicketStatus; limit?: number } = {}): Promise<TicketSummary[]> {
  return withTenant(claims, (tx) => listTickets(tx, options));
}

/** One ticket with its conversation; 404 when the staff member's tenant has none with this id. */
export async function getTicketAs(claims: RequestClaims, id: string): Promise<TicketDetail> {
  const ticket = await withTenant(claims, (tx) => getTicketDetail(tx, id));
  if (!ticket) throw new AppError("not_found", "Ticket not found.");
  return ticket;
}
