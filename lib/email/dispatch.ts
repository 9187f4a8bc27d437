import "server-only";
import { withWorker } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { InvalidEmailPayloadError, renderEmail } from "@/lib/email/templates";
import { getMailTransport, MailSendError, type MailTransport } from "@/lib/email/transports";

/** After this many attempts a row is `failed` and shows up for staff instead of retrying. */
export const MAX_EMAIL_ATTEMPTS = 8;
/** How long a claimed row belongs to one worker; longer than any single send can take. */
export const LEASE_SECONDS = 300;
// A row is only sent while at least this much of its lease is left (SMTP timeouts total < 60 s).
const SEND_BUDGET_MS = 90_000;

/** 30 s, 1 min, 2 min, ... capped at 1 h: a provider outage is ridden out in about an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600);
}

interface ClaimedRow {
  id: string;
  to_address: string;
  template: string;
  payload: unknown;
  attempts: number;
}

export interface DispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  released: number;
}

/**
 * Claims due rows (pending and due, or `sending` with an expired lease, i.e. a crashed
 * worker). `for update skip locked` gives each row to one worker; the claim increments
 * `attempts`, and every later update requires the same (id, attempts, status
 * 'sending'), so a worker whose lease was taken over can no longer mark the row.
 */
async function claimDue(limit: number): Promise<ClaimedRow[]> {
  return withWorker(async (tx) => {
    const { rows } = await tx.query<ClaimedRow>(
      `with due as (
         select id from public.email_outbox
          where status in ('pending', 'sending') and next_attempt_at <= now()
          order by next_attempt_at
          limit $1
          for update skip locked
       )
       update public.email_outbox o
          set status = 'sending', attempts = o.attempts + 1,
              locked_until = now() + make_interval(secs => $2), next_attempt_at = now() + make_interval(secs => $2)
         from due where o.id = due.id
       returning o.id, o.to_address, o.template, o.payload, o.attempts`,
      [limit, LEASE_SECONDS],
    );
    return rows;
  });
}

async function markSent(row: ClaimedRow, providerMessageId: string): Promise<boolean> {
  const result = await withWorker((tx) =>
    tx.query(
      `update public.email_outbox
          set status = 'sent', provider_message_id = $3, sent_at = now(), locked_until = null, last_error = null
        where id = $1 and attempts = $2 and status = 'sending'`,
      [row.id, row.attempts, providerMessageId],
    ),
  );
  return result.rowCount === 1;
}

async function markFailed(row: ClaimedRow, error: unknown): Promise<"retried" | "failed"> {
  const permanent = error instanceof InvalidEmailPayloadError || (error instanceof MailSendError && error.permanent);
  const final = permanent || row.attempts >= MAX_EMAIL_ATTEMPTS;
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  await withWorker((tx) =>
    tx.query(
      `update public.email_outbox
          set status = $3, last_error = $4, locked_until = null, next_attempt_at = now() + make_interval(secs => $5)
        where id = $1 and attempts = $2 and status = 'sending'`,
      [row.id, row.attempts, final ? "failed" : "pending", message, retryDelaySeconds(row.attempts)],
    ),
  );
  return final ? "failed" : "retried";
}

/** Gives back a row this worker no longer has time to send, without counting an attempt. */
async function release(row: ClaimedRow): Promise<void> {
  await withWorker((tx) =>
    tx.query(
      `update public.email_outbox set status = 'pending', attempts = attempts - 1, locked_until = null, next_attempt_at = now()
        where id = $1 and attempts = $2 and status = 'sending'`,
      [row.id, row.attempts],
    ),
  );
}

/**
 * Sends due outbox e-mails, each exactly once: only the worker holding a row's lease
 * sends it, and a row marked `sent` is never claimed again. No transaction is held open
 * while talking to the provider.
 *
 * The one window left: the provider accepts the message and the process dies before
 * `markSent` commits. The lease then expires and another worker sends it again. With
 * Resend the outbox id is the Idempotency-Key, so Resend drops that second send (keys
 * are kept 24 h, longer than the lease). Plain SMTP has no such key; the message keeps
 * its Message-ID (derived from the outbox id), so receivers that deduplicate by it do.
 */
/**
 * The tenant's name as the sender's display name, on the deployment's own address (the
 * one its mail domain is set up for): `"Acme Cloud" <support@platform.example>`.
 */
export function senderAs(name: string, configuredFrom: string): string {
  const address = /<([^>]+)>\s*$/.exec(configuredFrom)?.[1] ?? configuredFrom.trim();
  const display = name.replace(/["\\\r\n]/g, "").trim();
  return display ? `"${display}" <${address}>` : address;
}

export async function dispatchDueEmails(
  options: { limit?: number; transport?: MailTransport } = {},
): Promise<DispatchResult> {
  const transport = options.transport ?? getMailTransport();
  const claimedAt = Date.now();
  const rows = await claimDue(options.limit ?? 20);
  const result: DispatchResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, released: 0 };
  for (const row of rows) {
    if (Date.now() - claimedAt > LEASE_SECONDS * 1000 - SEND_BUDGET_MS) {
      await release(row);
      result.released++;
      continue;
    }
    let providerMessageId: string;
    try {
      const { senderName, ...rendered } = await renderEmail(row.template, row.payload);
      ({ providerMessageId } = await transport.send({
        ...rendered,
        to: row.to_address,
        from: senderAs(senderName, env().EMAIL_FROM),
        idempotencyKey: row.id,
      }));
    } catch (error) {
      const outcome = await markFailed(row, error);
      result[outcome]++;
      console.warn(`[email] outbox ${row.id} attempt ${row.attempts} ${outcome}: ${(error as Error).message}`);
      continue;
    }
    // Outside the try: if recording fails after the provider accepted, the row must not
    // go back to pending; it stays `sending` until its lease ends (the window above).
    if (await markSent(row, providerMessageId)) result.sent++;
    else console.warn(`[email] outbox ${row.id} was sent after its lease passed to another worker`);
  }
  return result;
}
