import "server-only";
import { NonRetriableError, RetryAfterError } from "inngest";
import { runJobById } from "@/lib/flows/background-jobs";
import { inngest, jobEventName, type JobEventData } from "@/lib/jobs/inngest";
import type { Sweep } from "@/lib/jobs/types";

/** How long an event may wait for its job row to be committed before it is dropped. */
const MISSING_ROW_ATTEMPTS = 3;

/**
 * An Inngest function for one job name: it runs the same handler as the local runner,
 * through the job's row (so the jobs table shows Inngest runs too). Concurrency is
 * limited per tenant; the job's idempotency key (one per document version for
 * ingestion) makes a duplicate event a no-op.
 */
export function createJobFunction(jobName: string, options: { id: string; perTenantConcurrency: number; retries: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 }) {
  return inngest.createFunction(
    {
      id: options.id,
      triggers: [{ event: jobEventName(jobName) }],
      concurrency: { key: "event.data.tenantId", limit: options.perTenantConcurrency },
      idempotency: "event.data.tenantId + ':' + event.data.idempotencyKey",
      retries: options.retries,
    },
    async ({ event, step, attempt, maxAttempts }) => {
      const data = event.data as JobEventData;
      const attempts = maxAttempts ?? options.retries + 1;
      return step.run("run-job", async () => {
        const result = await runJobById(data.jobId, {
          tenantId: data.tenantId,
          isFinalAttempt: attempt + 1 >= attempts,
          maxAttempts: attempts,
        });
        if (result.status === "missing") {
          // The event is sent inside the enqueuing transaction; give it time to commit.
          if (attempt + 1 < MISSING_ROW_ATTEMPTS) throw new RetryAfterError("The job is not committed yet.", "5s");
          return { status: "missing" as const };
        }
        if (result.status === "failed") throw new NonRetriableError(result.error);
        if (result.status === "retrying") throw new Error(result.error);
        return { status: result.status };
      });
    },
  );
}

/** Deployed, a sweep runs on an Inngest cron (minute resolution) instead of in-process. */
export function createSweepFunction(sweep: Sweep) {
  const minutes = Math.max(1, Math.round(sweep.everySeconds / 60));
  const cron = minutes < 60 ? `*/${minutes} * * * *` : `0 */${Math.min(23, Math.round(minutes / 60))} * * *`;
  const id = `sweep-${sweep.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return inngest.createFunction({ id, triggers: [{ cron }] }, async ({ step }) => {
    await step.run("sweep", () => sweep.run());
  });
}
