import "server-only";
import { DEFAULT_LEASE_MS, runClaimedJob, type JobOutcome } from "@/lib/jobs/execute";
import { claimDueJobs, claimJobById, failAbandonedJobs } from "@/lib/jobs/store";
import type { JobCatalog, Sweep } from "@/lib/jobs/types";

export interface JobRunnerOptions {
  /** Jobs run at the same time by this process. */
  concurrency?: number;
  /** How long to wait before looking again when no job is due. */
  pollMs?: number;
  leaseMs?: number;
  /** Instead of the catalogue's sweeps (tests). */
  sweeps?: Sweep[];
}

export interface JobRunner {
  /** Stops claiming, then waits for the jobs in flight to finish. */
  stop(): Promise<void>;
}

/**
 * The local in-process runner (used when Inngest is not configured). Jobs live in
 * public.jobs, so whatever was queued or running when the process stopped is picked up
 * by the next runner: queued jobs when due, running ones when their lease expires.
 */
export function startJobRunner(catalog: JobCatalog, options: JobRunnerOptions = {}): JobRunner {
  const concurrency = options.concurrency ?? 2;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const sweeper = createSweeper(options.sweeps ?? catalog.sweeps);
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopped) {
      try {
        sweeper.runDue();
        if (inFlight.size >= concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        await settleAbandonedJobs(catalog);
        const jobs = await claimDueJobs({ limit: concurrency - inFlight.size, leaseMs });
        for (const job of jobs) {
          const run = runClaimedJob(catalog, job, { leaseMs })
            .catch((error) => console.error(`[jobs] ${job.name} ${job.id} could not be recorded:`, error))
            .finally(() => inFlight.delete(run));
          inFlight.add(run);
        }
        if (jobs.length === 0 && !stopped) await pause(pollMs);
      } catch (error) {
        console.error("[jobs] runner:", error instanceof Error ? error.message : error);
        if (!stopped) await pause(pollMs);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await Promise.allSettled([...inFlight, sweeper.idle()]);
    },
  };
}

export interface RunSummary {
  succeeded: number;
  retrying: number;
  failed: number;
  outcomes: JobOutcome[];
}

/**
 * Runs due jobs one at a time until none is left (tests, CLI, benchmarks). With
 * ignoreBackoff, jobs waiting for a retry count as due, so a failing job runs to its
 * last attempt.
 */
export async function runJobsUntilIdle(catalog: JobCatalog, options: { ignoreBackoff?: boolean; maxJobs?: number } = {}): Promise<RunSummary> {
  const summary: RunSummary = { succeeded: 0, retrying: 0, failed: 0, outcomes: [] };
  const maxJobs = options.maxJobs ?? 10_000;
  await settleAbandonedJobs(catalog);
  while (summary.outcomes.length < maxJobs) {
    const [job] = await claimDueJobs({ limit: 1, leaseMs: DEFAULT_LEASE_MS, ignoreBackoff: options.ignoreBackoff });
    if (!job) break;
    const outcome = await runClaimedJob(catalog, job);
    summary[outcome.status] += 1;
    summary.outcomes.push(outcome);
  }
  return summary;
}

/** Records crashed final attempts as failed, and fails the work they were doing. */
async function settleAbandonedJobs(catalog: JobCatalog): Promise<void> {
  for (const job of await failAbandonedJobs()) {
    await catalog.abandoned[job.name]?.(job).catch((error: unknown) =>
      console.error(`[jobs] ${job.name} ${job.id}: could not record the abandoned work:`, error instanceof Error ? error.message : error),
    );
  }
}

/**
 * Runs exactly the given jobs, once each, and nothing else that is queued: what a
 * launcher may do while booting (its own seed jobs), so that a tenant's job that once
 * took a process down can never stop the product from starting. Tenant jobs run after
 * start-up, on the runner.
 */
export async function runOwnJobs(catalog: JobCatalog, jobIds: string[]): Promise<RunSummary> {
  const summary: RunSummary = { succeeded: 0, retrying: 0, failed: 0, outcomes: [] };
  for (const id of jobIds) {
    const claim = await claimJobById(id, DEFAULT_LEASE_MS);
    if (claim.state !== "claimed") continue;
    const outcome = await runClaimedJob(catalog, claim.job);
    summary[outcome.status] += 1;
    summary.outcomes.push(outcome);
  }
  return summary;
}

function createSweeper(list: Sweep[]) {
  const lastStarted = new Map<string, number>();
  const running = new Map<string, Promise<void>>();
  return {
    runDue() {
      const now = Date.now();
      for (const sweep of list) {
        if (running.has(sweep.name)) continue;
        if (now - (lastStarted.get(sweep.name) ?? 0) < sweep.everySeconds * 1000) continue;
        lastStarted.set(sweep.name, now);
        const run = sweep
          .run()
          .catch((error) => console.error(`[jobs] sweep ${sweep.name}:`, error instanceof Error ? error.message : error))
          .finally(() => running.delete(sweep.name));
        running.set(sweep.name, run);
      }
    },
    idle: () => Promise.allSettled([...running.values()]),
  };
}

const globalForRunner = globalThis as unknown as { __supportJobRunner?: JobRunner };

/** Starts the process's runner once (Next.js may load instrumentation more than once). */
export function ensureLocalJobRunner(catalog: JobCatalog, options?: JobRunnerOptions): JobRunner {
  globalForRunner.__supportJobRunner ??= startJobRunner(catalog, options);
  return globalForRunner.__supportJobRunner;
}
