import "server-only";
import { claimJobById, extendLease, markJobAttemptFailed, markJobSucceeded } from "@/lib/jobs/store";
import { isPermanentJobError, type Job, type JobCatalog } from "@/lib/jobs/types";

/**
 * How long a claimed job stays with its runner without a heartbeat (renewed every third
 * of it). Short, so a job whose process died resumes within a minute of a restart;
 * long-running work (file reading) is in a child process and never blocks the heartbeat.
 */
export const DEFAULT_LEASE_MS = 60_000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 30 * 60_000;

export type JobOutcome =
  | { status: "succeeded" }
  | { status: "retrying"; error: string; retryInMs: number }
  | { status: "failed"; error: string; permanent: boolean };

/** Exponential backoff: 5 s, 10 s, 20 s, ... capped at 30 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), RETRY_MAX_MS);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one claimed job's handler and records the outcome on its row. The lease is
 * renewed while the handler runs, so only a runner that stopped loses its job.
 */
export async function runClaimedJob(
  catalog: JobCatalog,
  job: Job,
  options: { leaseMs?: number; isFinalAttempt?: boolean; maxAttempts?: number } = {},
): Promise<JobOutcome> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const handler = catalog.handlers[job.name];
  if (!handler) {
    const error = `No handler is registered for job "${job.name}".`;
    await markJobAttemptFailed(job, error, null);
    return { status: "failed", error, permanent: true };
  }
  const maxAttempts = options.maxAttempts ?? job.maxAttempts;
  const isFinalAttempt = options.isFinalAttempt ?? job.attempts >= maxAttempts;
  const heartbeat = setInterval(() => {
    extendLease(job, leaseMs).catch((error) => console.error(`[jobs] lease renewal of ${job.id} failed:`, messageOf(error)));
  }, Math.max(1_000, leaseMs / 3));
  heartbeat.unref();
  try {
    await handler(job.payload, { jobId: job.id, tenantId: job.tenantId, attempt: job.attempts, maxAttempts, isFinalAttempt });
    await markJobSucceeded(job);
    return { status: "succeeded" };
  } catch (error) {
    const message = messageOf(error);
    const permanent = isPermanentJobError(error);
    if (permanent || isFinalAttempt) {
      await markJobAttemptFailed(job, message, null);
      return { status: "failed", error: message, permanent };
    }
    const retryInMs = retryDelayMs(job.attempts);
    await markJobAttemptFailed(job, message, retryInMs);
    return { status: "retrying", error: message, retryInMs };
  } finally {
    clearInterval(heartbeat);
  }
}

export type JobByIdResult = { status: "missing" } | { status: "already-succeeded" } | JobOutcome;

/**
 * Runs the job a delivered event names (Inngest): claims that row and runs it. "missing"
 * means the row is not visible: not committed yet, or its transaction rolled back.
 */
export async function runJobById(
  catalog: JobCatalog,
  jobId: string,
  options: { tenantId: string; isFinalAttempt: boolean; maxAttempts: number },
): Promise<JobByIdResult> {
  const claim = await claimJobById(jobId, DEFAULT_LEASE_MS);
  if (claim.state === "missing") return { status: "missing" };
  if (claim.state === "done") return { status: "already-succeeded" };
  if (claim.job.tenantId !== options.tenantId) {
    const error = "The event's tenant does not match the job's.";
    await markJobAttemptFailed(claim.job, error, null);
    return { status: "failed", error, permanent: true };
  }
  return runClaimedJob(catalog, claim.job, { isFinalAttempt: options.isFinalAttempt, maxAttempts: options.maxAttempts });
}
