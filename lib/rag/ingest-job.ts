import "server-only";
import { z } from "zod";
import { defineJob } from "@/lib/jobs/define";
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
