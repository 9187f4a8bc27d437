import "server-only";
import type { StaffSession } from "@/lib/auth/session";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { AgentGraph } from "@/lib/agent/graph";
import { resumeAgent } from "@/lib/agent/run";
import { getTicketDetail, type TicketDetail } from "./queries";
import { applyHumanResolution } from "./resolution";
import { checkReusableEntry, type ReusableEntry } from "./reusable-entry";

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
      where id = $1 and status = 'pending_human'
        and (resolving_at is null or resolving_at < now() - interval '${CLAIM_TIMEOUT}')
      returning thread_id`,
    [ticketId, staffId],
  );
  return rows[0]?.thread_id ?? null;
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
  if (ticket.status !== "pending_human") {
    return new AppError("conflict", `Ticket #${ticket.number} is not waiting for an answer.`, { status: ticket.status });
  }
  return new AppError("conflict", `Ticket #${ticket.number} is being resolved right now by ${ticket.claimant ?? "another agent"}.`, {
    status: "resolving",
  });
}

/**
 * Resolves a ticket with a human answer: claim, resume exactly that paused thread with
 * `Command({ resume })` (or, for a ticket opened by the chat's safety net, apply the same
 * resolution directly), and return once the ticket is resolved. A second or concurrent
 * call gets 409; a ticket the staff member cannot see, 404.
 */
export async function resolveTicket(
  staff: StaffSession,
  ticketId: string,
  input: { answer: string; notifyEmail: boolean; reusable?: ReusableEntry | null },
  graph?: AgentGraph,
): Promise<TicketDetail> {
  const reusable = input.reusable ?? null;
  if (reusable) await withTenant(staff.claims, (tx) => checkReusableEntry(tx, ticketId, reusable));
  const threadId = await withTenant(staff.claims, async (tx) => claimTicket(tx, ticketId, staff.userId));
  if (!threadId) throw await withTenant(staff.claims, (tx) => claimRefusal(tx, ticketId));

  const resolution = { answer: input.answer, notifyEmail: input.notifyEmail, resolvedBy: staff.userId, reusable };
  try {
    const resumed = await resumeAgent(staff.claims, threadId, resolution, graph);
    if (!resumed) await applyHumanResolution(staff.claims, { ticketId, ...resolution });
  } catch (error) {
    // Let the next attempt in at once instead of after the claim times out.
    await withTenant(staff.claims, (tx) =>
      tx.query("update public.tickets set resolving_by = null, resolving_at = null where id = $1 and status = 'pending_human'", [ticketId]),
    ).catch(() => undefined);
    throw error;
  }

  const ticket = await withTenant(staff.claims, (tx) => getTicketDetail(tx, ticketId));
  if (!ticket || ticket.status !== "resolved") {
    throw new AppError("internal", "The ticket could not be resolved; please try again.");
  }
  return ticket;
}
