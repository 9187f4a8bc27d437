/** A row of public.jobs as the queue reads it. */
export interface Job {
  id: string;
  tenantId: string;
  name: string;
  payload: unknown;
  idempotencyKey: string;
  status: "queued" | "running" | "succeeded" | "failed";
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
}

/** What a handler learns about the run it is part of. */
export interface JobContext {
  jobId: string;
  tenantId: string;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
  /** No retry follows a failure of this attempt: clean up and record the reason now. */
  isFinalAttempt: boolean;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

/** Periodic work run by every local runner (and by an Inngest cron when deployed). */
export interface Sweep {
  name: string;
  everySeconds: number;
  run: () => Promise<void>;
  /** Deployed, an Inngest function of its own already does this work (no cron twin). */
  localOnly?: boolean;
}

/**
 * Thrown by a handler when retrying cannot help (bad input, a corrupt file): the job is
 * marked failed at once with this message.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

export function isPermanentJobError(error: unknown): error is PermanentJobError {
  return error instanceof PermanentJobError;
}

/**
 * What a process can run: the handler of every job name, what to do when a job's every
 * attempt died with its process, and the periodic sweeps. The product's catalogue is in
 * lib/flows/background-jobs.ts; lib/jobs runs whatever catalogue it is given.
 */
export interface JobCatalog {
  handlers: Record<string, JobHandler>;
  abandoned: Record<string, (job: Job) => Promise<void>>;
  sweeps: Sweep[];
}
