import "server-only";
import { dispatchDueEmails } from "@/lib/email/dispatch";
import * as runner from "@/lib/jobs/runner";
import { runJobById as runCatalogJobById } from "@/lib/jobs/execute";
import { pruneFinishedJobs } from "@/lib/jobs/store";
import type { JobCatalog } from "@/lib/jobs/types";
import { failAbandonedIngestion, ingestSourceJob, INGEST_SOURCE_JOB } from "@/lib/rag/ingest-job";
import { reembedTenantJob, REEMBED_TENANT_JOB } from "@/lib/rag/reembed";

/**
 * Every job the product runs, by name, and its periodic sweeps. The local runner and the
 * Inngest bindings (inngest/) both run this catalogue; a new kind of job is one line
 * here (its handler validates its own payload, see lib/jobs/define.ts).
 */
export const jobCatalog: JobCatalog = {
  handlers: {
    [INGEST_SOURCE_JOB]: ingestSourceJob,
    [REEMBED_TENANT_JOB]: reembedTenantJob,
  },
  // When every attempt of a job died with its process (no handler got to record a
  // failure): mark the work itself failed, so nothing shows as in progress for ever.
  abandoned: {
    [INGEST_SOURCE_JOB]: failAbandonedIngestion,
  },
  // Each local runner runs every sweep every `everySeconds` (Inngest on a cron when
  // deployed). Sweeps must be idempotent: several processes may run the same one.
  sweeps: [
    { name: "jobs.prune", everySeconds: 3600, run: async () => void (await pruneFinishedJobs({ succeededDays: 7, failedDays: 30 })) },
    // Deployed, inngest/send-email.ts drains the outbox on "email/queued" and by cron.
    { name: "send-email", everySeconds: 5, localOnly: true, run: async () => void (await dispatchDueEmails({ limit: 50 })) },
  ],
};

/** The local in-process runner over the product's jobs (when Inngest is not configured). */
export const startJobRunner = (options?: runner.JobRunnerOptions) => runner.startJobRunner(jobCatalog, options);
/** Starts the process's runner once (Next.js may load instrumentation more than once). */
export const ensureLocalJobRunner = (options?: runner.JobRunnerOptions) => runner.ensureLocalJobRunner(jobCatalog, options);
/** Runs due jobs one at a time until none is left (tests, CLI, benchmarks). */
export const runJobsUntilIdle = (options?: Parameters<typeof runner.runJobsUntilIdle>[1]) => runner.runJobsUntilIdle(jobCatalog, options);
/** Runs exactly the given jobs, once each (a launcher's own seed jobs). */
export const runOwnJobs = (jobIds: string[]) => runner.runOwnJobs(jobCatalog, jobIds);
/** Runs the job a delivered Inngest event names. */
export const runJobById = (jobId: string, options: Parameters<typeof runCatalogJobById>[2]) => runCatalogJobById(jobCatalog, jobId, options);
