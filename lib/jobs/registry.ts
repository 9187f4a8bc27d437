import "server-only";
import { failAbandonedIngestion, ingestSourceJob, INGEST_SOURCE_JOB } from "@/lib/rag/ingest-job";
import { reembedTenantJob, REEMBED_TENANT_JOB } from "@/lib/rag/reembed";
import { pruneFinishedJobs } from "@/lib/jobs/store";
import type { Job, JobHandler, Sweep } from "@/lib/jobs/types";
import { dispatchDueEmails } from "@/lib/email/dispatch";

/**
 * Every job the product runs, by name. The local runner and the Inngest bindings both
 * look handlers up here; a new kind of job is one line (its handler validates its own
 * payload, see defineJob).
 */
export const jobHandlers: Record<string, JobHandler> = {
  [INGEST_SOURCE_JOB]: ingestSourceJob,
  [REEMBED_TENANT_JOB]: reembedTenantJob,
};

/**
 * What to do when every attempt of a job died with its process (no handler got to record
 * a failure): mark the work itself failed, so nothing shows as in progress for ever.
 */
export const abandonedJobHandlers: Record<string, (job: Job) => Promise<void>> = {
  [INGEST_SOURCE_JOB]: failAbandonedIngestion,
};

/**
 * Periodic work: each local runner runs every sweep every `everySeconds` (and Inngest
 * runs it on a cron when deployed). Sweeps must be idempotent: several processes may
 * run the same one. Append `{ name, everySeconds, run }` to add one.
 */
export const sweeps: Sweep[] = [
  { name: "jobs.prune", everySeconds: 3600, run: async () => void (await pruneFinishedJobs({ succeededDays: 7, failedDays: 30 })) },
  // Deployed, inngest/send-email.ts drains the outbox on "email/queued" and by cron.
  { name: "send-email", everySeconds: 5, localOnly: true, run: async () => void (await dispatchDueEmails({ limit: 50 })) },
];
