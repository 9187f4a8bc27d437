import "server-only";
import { z } from "zod";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { emailTemplates, InvalidEmailPayloadError, parseEmailPayload } from "@/lib/email/templates";

const queueEmailSchema = z.object({
  tenantId: z.string().uuid(),
  ticketId: z.string().uuid().nullable().optional(),
  to: z.string().trim().toLowerCase().max(320).pipe(z.email("Invalid e-mail address.")),
  template: z.enum(emailTemplates),
  payload: z.unknown(),
  idempotencyKey: z.string().trim().min(1).max(200),
});

export type QueueEmailInput = z.input<typeof queueEmailSchema>;

/**
 * Queues an e-mail in the caller's transaction (staff claims, e.g. the resolution), so
 * the e-mail exists exactly when the change that caused it commits. A retried resolution
 * passes the same idempotency key and queues nothing new. Returns the outbox row's id.
 */
export async function queueEmail(tx: Tx, input: QueueEmailInput): Promise<{ id: string; created: boolean }> {
  const parsed = queueEmailSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "Invalid e-mail.", { path: parsed.error.issues[0]?.path });
  }
  const email = parsed.data;
  let payload;
  try {
    payload = parseEmailPayload(email.template, email.payload);
  } catch (error) {
    if (error instanceof InvalidEmailPayloadError) throw new AppError("bad_request", error.message);
    throw error;
  }
  const inserted = await tx.query<{ id: string }>(
    `insert into public.email_outbox (tenant_id, ticket_id, idempotency_key, to_address, template, payload)
     values ($1, $2, $3, $4, $5, $6::jsonb)
     on conflict (tenant_id, idempotency_key) do nothing
     returning id`,
    [email.tenantId, email.ticketId ?? null, email.idempotencyKey, email.to, email.template, JSON.stringify(payload)],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await tx.query<{ id: string }>(
    "select id from public.email_outbox where tenant_id = $1 and idempotency_key = $2",
    [email.tenantId, email.idempotencyKey],
  );
  if (!existing.rows[0]) throw new AppError("forbidden", "Cannot queue e-mail for this tenant.");
  return { id: existing.rows[0].id, created: false };
}
