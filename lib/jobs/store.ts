import "server-only";
import { withWorker } from "@/lib/db/tenant";
import { toJob, type JobRow } from "@/lib/jobs/queue";
import type { Job } from "@/lib/jobs/types";

/**
 * The worker's side of public.jobs. Every write after a claim is fenced by the attempt
 * number it claimed, so a runner whose lease expired (and whose job another runner took
 * over) can no longer overwrite the newer attempt's state.
 */

const MAX_ERROR_LENGTH = 2000;

/**
 * A crashed final attempt (its runner stopped and its lease expired) leaves nothing to
 * retry: records those jobs as failed and returns them, so their work can be marked
 * failed too (see abandonedJobHandlers).
 */
export async function failAbandonedJobs(): Promise<Job[]> {
  return withWorker(async (tx) => {
    const { rows } = await tx.query<JobRow>(
      `update public.jobs
       set status = 'failed', locked_until = null,
           last_error = coalesce(last_error, 'The worker stopped during the last attempt.')
       where status = 'running' and locked_until < now() and attempts >= max_attempts
       returning *`,
    );
    return rows.map(toJob);
  });
}

/**
 * Claims due jobs: queued ones whose time has come, and running ones whose lease expired
 * (their runner crashed or was stopped). Rows another runner is claiming are skipped.
 */
export async function claimDueJobs(options: { limit: number; leaseMs: number; ignoreBackoff?: boolean }): Promise<Job[]> {
  return withWorker(async (tx) => {
    const { rows } = await tx.query<JobRow>(
      `with due as (
         select id from public.jobs
         where status in ('queued', 'running')
           and ((status = 'queued' and (run_at <= now() or $3::boolean))
             or (status = 'running' and locked_until < now()))
           and attempts < max_attempts
         order by run_at
         limit $1
         for update skip locked
       )
       update public.jobs j
       set status = 'running', attempts = j.attempts + 1, locked_until = now() + make_interval(secs => $2::float8)
       from due where j.id = due.id
       returning j.*`,
      [options.limit, options.leaseMs / 1000, options.ignoreBackoff ?? false],
    );
    return rows.map(toJob);
  });
}

export type ClaimByIdResult = { state: "claimed"; job: Job } | { state: "missing" } | { state: "done" };

/** Inngest delivers one job by id: claim exactly that row (a replay may re-run a failed job). */
export async function claimJobById(jobId: string, leaseMs: number): Promise<ClaimByIdResult> {
  return withWorker(async (tx) => {
    const { rows } = await tx.query<JobRow>(
      `update public.jobs
       set status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2::float8)
       where id = $1 and status <> 'succeeded'
       returning *`,
      [jobId, leaseMs / 1000],
    );
    if (rows[0]) return { state: "claimed", job: toJob(rows[0]) };
    const existing = await tx.query("select 1 from public.jobs where id = $1", [jobId]);
    return existing.rows.length ? { state: "done" } : { state: "missing" };
  });
}

export async function extendLease(job: Job, leaseMs: number): Promise<void> {
  await withWorker((tx) =>
    tx.query(
      `update public.jobs set locked_until = now() + make_interval(secs => $3::float8)
       where id = $1 and attempts = $2 and status = 'running'`,
      [job.id, job.attempts, leaseMs / 1000],
    ),
  );
}

export async function markJobSucceeded(job: Job): Promise<void> {
  await withWorker((tx) =>
    tx.query(
      `update public.jobs set status = 'succeeded', locked_until = null, last_error = null
       where id = $1 and attempts = $2 and status = 'running'`,
      [job.id, job.attempts],
    ),
  );
}

/** Failed for good, or queued again to run after retryInMs. */
export async function markJobAttemptFailed(job: Job, message: string, retryInMs: number | null): Promise<void> {
  await withWorker((tx) =>
    tx.query(
      `update public.jobs
       set status = case when $3::float8 is null then 'failed' else 'queued' end,
           run_at = case when $3::float8 is null then run_at else now() + make_interval(secs => $3::float8) end,
           locked_until = null,
           last_error = $4
       where id = $1 and attempts = $2 and status = 'running'`,
      [job.id, job.attempts, retryInMs === null ? null : retryInMs / 1000, message.slice(0, MAX_ERROR_LENGTH)],
    ),
  );
}

/** Forgets finished jobs after a while, so the queue table stays small (failed ones stay longer, for staff to see). */
export async function pruneFinishedJobs(options: { succeededDays: number; failedDays: number }): Promise<number> {
  const result = await withWorker((tx) =>
    tx.query(
      `delete from public.jobs
       where (status = 'succeeded' and created_at < now() - make_interval(days => $1))
          or (status = 'failed' and created_at < now() - make_interval(days => $2))`,
      [options.succeededDays, options.failedDays],
    ),
  );
  return result.rowCount ?? 0;
}
