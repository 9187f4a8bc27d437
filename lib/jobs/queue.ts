import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import type { Job } from "@/lib/jobs/types";

export interface EnqueueJobInput {
  tenantId: string;
  name: string;
  payload: unknown;
  /** Unique per tenant: a second enqueue with the same key returns the first job. */
  idempotencyKey: string;
  runAt?: Date;
  maxAttempts?: number;
}

export type EnqueuedJob = Job & { created: boolean };

export interface JobRow {
  id: string;
  tenant_id: string;
  name: string;
  payload: unknown;
  idempotency_key: string;
  status: Job["status"];
  attempts: number;
  max_attempts: number;
  run_at: Date;
  last_error: string | null;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: new Date(row.run_at),
    lastError: row.last_error,
  };
}

/**
 * Records a job inside the caller's transaction, so the job exists exactly when the
 * work it refers to was committed (an upload and its ingestion job commit together).
 * With Inngest configured, the job's event is also sent; the Inngest function waits
 * for the row to be committed before it runs.
 */
export async function enqueueJob(tx: Tx, input: EnqueueJobInput): Promise<EnqueuedJob> {
  const inserted = await tx.query<JobRow>(
    `insert into public.jobs (tenant_id, name, payload, idempotency_key, run_at, max_attempts)
     values ($1, $2, $3::jsonb, $4, coalesce($5::timestamptz, now()), coalesce($6::int, 5))
     on conflict (tenant_id, idempotency_key) do nothing
     returning *`,
    [
      input.tenantId,
      input.name,
      JSON.stringify(input.payload ?? {}),
      input.idempotencyKey,
      input.runAt?.toISOString() ?? null,
      input.maxAttempts ?? null,
    ],
  );
  if (inserted.rows[0]) {
    const job = toJob(inserted.rows[0]);
    if (env().INNGEST_EVENT_KEY) {
      const { sendJobEvent } = await import("@/lib/jobs/inngest");
      await sendJobEvent(job);
    }
    return { ...job, created: true };
  }
  // A separate statement: its fresh snapshot sees a row a concurrent enqueue committed.
  const existing = await tx.query<JobRow>("select * from public.jobs where tenant_id = $1 and idempotency_key = $2", [
    input.tenantId,
    input.idempotencyKey,
  ]);
  if (!existing.rows[0]) throw new Error(`Job ${input.idempotencyKey} conflicted but cannot be read.`);
  return { ...toJob(existing.rows[0]), created: false };
}
