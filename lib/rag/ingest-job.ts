import "server-only";
import { z } from "zod";
import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { defineJob } from "@/lib/jobs/define";
import type { Job } from "@/lib/jobs/types";
import { discardVersion } from "@/lib/rag/chunk-store";
import { ingestSource } from "@/lib/rag/ingest";

export const INGEST_SOURCE_JOB = "rag.ingest-source";

/** One job per source version: a duplicate enqueue or event of the same version is a no-op. */
export function ingestJobKey(sourceId: string, version: number): string {
  return `ingest:${sourceId}:v${version}`;
}

const payloadSchema = z.object({ sourceId: z.string().uuid(), version: z.number().int().min(1) });

/** The tenant comes from the job row, never from the payload. */
export const ingestSourceJob = defineJob(payloadSchema, async (payload, ctx) => {
  await ingestSource({ tenantId: ctx.tenantId, ...payload }, { isFinalAttempt: ctx.isFinalAttempt });
});

/** Every attempt's process stopped mid-run: the source fails with the reason instead of staying "processing". */
export async function failAbandonedIngestion(job: Job): Promise<void> {
  const parsed = payloadSchema.safeParse(job.payload);
  if (!parsed.success) return;
  const reason =
    "Indexing was interrupted on every attempt (the server stopped while working on it), so it was given up. " +
    "Upload the file again to retry, or split it into smaller files.";
  await withTenant(systemClaims(job.tenantId), (tx) => discardVersion(tx, parsed.data.sourceId, parsed.data.version, reason));
}
