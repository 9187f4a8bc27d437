import "server-only";
import type { Tx } from "@/lib/db/tenant";

/** A beat older than this means the colleague closed the page. */
const FRESH = "15 seconds";

export interface Colleague {
  name: string;
  replying: boolean;
}

/**
 * Records that the caller has the ticket open (and whether they are writing a reply),
 * and returns the colleagues on it right now, so two people never answer unaware of
 * each other.
 */
export async function beatPresence(tx: Tx, ticketId: string, replying: boolean): Promise<Colleague[]> {
  await tx.query(
    `insert into public.staff_presence (tenant_id, ticket_id, user_id, replying, seen_at)
     select t.tenant_id, t.id, auth.uid(), $2, now() from public.tickets t where t.id = $1
     on conflict (tenant_id, ticket_id, user_id) do update set replying = excluded.replying, seen_at = now()`,
    [ticketId, replying],
  );
  const { rows } = await tx.query<Colleague>(
    `select coalesce(u.display_name, u.email) as name, p.replying
       from public.staff_presence p join public.users u on u.id = p.user_id
      where p.ticket_id = $1 and p.user_id <> auth.uid() and p.seen_at > now() - interval '${FRESH}'
      order by p.replying desc, name`,
    [ticketId],
  );
  return rows;
}

/** How many conversations wait for a human, and the newest of them. */
export async function waitingSummary(tx: Tx): Promise<{ waiting: number; newest: { id: string; number: number } | null }> {
  const { rows } = await tx.query<{ waiting: number; id: string | null; number: number | null }>(
    `select (select count(*)::int from public.tickets where status = 'pending_human') as waiting, n.id, n.number
       from (select 1) one
       left join lateral (select id, number from public.tickets where status = 'pending_human' order by created_at desc limit 1) n on true`,
  );
  const row = rows[0];
  return { waiting: row.waiting, newest: row.id && row.number ? { id: row.id, number: row.number } : null };
}
