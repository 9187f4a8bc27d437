import "server-only";
import type { StaffSession } from "@/lib/auth/session";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { AgentGraph } from "@/lib/agent/graph";
import { resumeAgent } from "@/lib/agent/run";
import { getTicketDetail, type TicketDetail } from "@/lib/tickets/queries";
import { applyHumanResolution } from "@/lib/tickets/resolution";
import { checkReusableEntry, type ReusableEntry } from "@/lib/tickets/reusable-entry";

/** A claim older than this belongs to a request that died; another may take over. */
const CLAIM_TIMEOUT = "1 minute";

/**
 * Claims the ticket for this staff member, atomically: only one request at a time may
 * resume its thread. The thread id comes from this row, read under the staff member's
 * RLS, and from nothing else.
 */
async function claimTicket(tx: Tx, ticketId: string, staffId: string): Promise<string | null> {
  const { rows } = await tx.query<{ thread_id: string }>(
    `update public.tickets set resolving_by = $2, resolving_at = now()
      where id = $1 and status in ('pending_human', 'open')
        and (resolving_at is null or resolving_at < now() - interval '${CLAIM_TIMEOUT}')
      returning thread_id`,
    [ticketId, staffId],
  );
  return rows[0]?.thread_id ?? null;
}

/**
 * A reply written without seeing a colleague's newer one is refused: the sender reads
 * it first. `seenReplies` is how many human replies the sender's page showed.
 */
async function refuseStaleReply(tx: Tx, ticketId: string, seenReplies: number): Promise<void> {
  const { rows } = await tx.query<{ replies: number; last_by: string | null; last_at: Date | null }>(
    `select count(*)::int as replies,
            (array_agg(coalesce(u.display_name, u.email) order by m.created_at desc))[1] as last_by,
            max(m.created_at) as last_at
       from public.messages m left join public.users u on u.id = m.author_id
      where m.ticket_id = $1 and m.sender_type = 'human'`,
    [ticketId],
  );
  const current = rows[0];
  if (current && current.replies > seenReplies) {
    throw new AppError(
      "conflict",
      `${current.last_by ?? "A colleague"} replied at ${current.last_at?.toISOString() ?? "just now"} while you were writing. Read their reply, then send yours.`,
      { status: "stale", replies: current.replies },
    );
  }
}

/** Why a claim failed, as the caller should hear it. */
async function claimRefusal(tx: Tx, ticketId: string): Promise<AppError> {
  const { rows } = await tx.query<{
    number: number;
    status: string;
    resolved_at: Date | null;
    resolver: string | null;
    claimant: string | null;
  }>(
    `select t.number, t.status, t.resolved_at,
            (select coalesce(u.display_name, u.email) from public.users u where u.id = t.resolved_by) as resolver,
            (select coalesce(u.display_name, u.email) from public.users u where u.id = t.resolving_by) as claimant
       from public.tickets t where t.id = $1`,
    [ticketId],
  );
  const ticket = rows[0];
  if (!ticket) return new AppError("not_found", "Ticket not found.");
  if (ticket.status === "resolved") {
    const who = ticket.resolver ?? "another agent";
    const when = ticket.resolved_at?.toISOString() ?? "earlier";
    return new AppError("conflict", `Ticket #${ticket.number} was already resolved by ${who} at ${when}.`, {
      status: "resolved",
      resolvedBy: ticket.resolver,
      resolvedAt: ticket.resolved_at?.toISOString() ?? null,
    });
  }
  if (ticket.status !== "pending_human" && ticket.status !== "open") {
    return new AppError("conflict", `Ticket #${ticket.number} is not waiting for an answer.`, { status: ticket.status });
  }
  return new AppError("conflict", `Ticket #${ticket.number} is being resolved right now by ${ticket.claimant ?? "another agent"}.`, {
    status: "resolving",
  });
}

export interface StaffReply {
  answer: string;
  notifyEmail: boolean;
  reusable?: ReusableEntry | null;
  /** Close the ticket with this reply; otherwise it stays open for the visitor to answer. */
  close?: boolean;
  /** Human replies the sender had seen; a newer one makes this send stale (409). */
  seenReplies?: number;
}

/** Answers a ticket and closes it (the PRD's resolve). */
export function resolveTicket(staff: StaffSession, ticketId: string, input: StaffReply, graph?: AgentGraph): Promise<TicketDetail> {
  return replyToTicket(staff, ticketId, { ...input, close: input.close ?? true }, graph);
}

/**
 * Sends a human reply: claim, then the first reply resumes exactly that paused thread
 * with `Command({ resume })`; later replies (and tickets opened without a paused graph)
 * apply the same delivery directly. Returns once delivered. A concurrent send, a stale
 * one or one to a closed ticket gets 409; a ticket the staff member cannot see, 404.
 */
export async function replyToTicket(
  staff: StaffSession,
  ticketId: string,
  input: StaffReply,
  graph?: AgentGraph,
): Promise<TicketDetail> {
  const reusable = input.reusable ?? null;
  const close = input.close ?? false;
  if (reusable) await withTenant(staff.claims, (tx) => checkReusableEntry(tx, ticketId, reusable));
  const threadId = await withTenant(staff.claims, async (tx) => {
    const claimed = await claimTicket(tx, ticketId, staff.userId);
    if (claimed && input.seenReplies !== undefined) await refuseStaleReply(tx, ticketId, input.seenReplies);
    return claimed;
  });
  if (!threadId) throw await withTenant(staff.claims, (tx) => claimRefusal(tx, ticketId));

  const resolution = { answer: input.answer, notifyEmail: input.notifyEmail, resolvedBy: staff.userId, reusable, close };
  try {
    const resumed = await resumeAgent(staff.claims, threadId, resolution, graph);
    if (!resumed) await applyHumanResolution(staff.claims, { ticketId, ...resolution });
  } catch (error) {
    // Let the next attempt in at once instead of after the claim times out.
    await withTenant(staff.claims, (tx) =>
      tx.query("update public.tickets set resolving_by = null, resolving_at = null where id = $1", [ticketId]),
    ).catch(() => undefined);
    throw error;
  }

  const ticket = await withTenant(staff.claims, (tx) => getTicketDetail(tx, ticketId));
  if (!ticket || ticket.status !== (close ? "resolved" : "open")) {
    throw new AppError("internal", "The reply could not be delivered; please try again.");
  }
  return ticket;
}
