import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/queue";
import { jobCatalog } from "@/lib/flows/background-jobs";
import { runJobsUntilIdle, startJobRunner } from "@/lib/flows/background-jobs";
import { claimDueJobs, markJobSucceeded, pruneFinishedJobs } from "@/lib/jobs/store";
import { PermanentJobError, type JobContext } from "@/lib/jobs/types";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let tenant: TestTenant;
const calls: Array<{ payload: unknown; ctx: JobContext }> = [];

beforeAll(async () => {
  tenant = await createTestTenant("jobs");
  jobCatalog.handlers["test.record"] = async (payload, ctx) => {
    calls.push({ payload, ctx });
  };
  jobCatalog.handlers["test.fail"] = async () => {
    throw new Error("provider unavailable");
  };
  jobCatalog.handlers["test.permanent"] = async () => {
    throw new PermanentJobError("the file is corrupt");
  };
});

afterEach(async () => {
  calls.length = 0;
  // Leave no due job behind for the next test (or file) to run.
  await withService((tx) => tx.query("delete from public.jobs where tenant_id = $1", [tenant.id]));
});

afterAll(async () => {
  for (const name of ["test.record", "test.fail", "test.permanent", "test.flaky"]) delete jobCatalog.handlers[name];
  await closePool();
});

async function enqueue(name: string, extra: { maxAttempts?: number; key?: string } = {}) {
  return withTenant(tenant.owner, (tx) =>
    enqueueJob(tx, { tenantId: tenant.id, name, payload: { n: 1 }, idempotencyKey: extra.key ?? randomUUID(), maxAttempts: extra.maxAttempts }),
  );
}

async function jobRow(id: string) {
  const { rows } = await withService((tx) =>
    tx.query<{ status: string; attempts: number; last_error: string | null; run_at: Date; locked_until: Date | null }>(
      "select status, attempts, last_error, run_at, locked_until from public.jobs where id = $1",
      [id],
    ),
  );
  return rows[0];
}

describe("enqueueJob", () => {
  it("records the job in the caller's transaction, visible to the tenant's staff", async () => {
    const job = await enqueue("test.record");
    expect(job).toMatchObject({ created: true, status: "queued", attempts: 0, tenantId: tenant.id });
    const seen = await withTenant(tenant.owner, (tx) => tx.query("select 1 from public.jobs where id = $1", [job.id]));
    expect(seen.rows).toHaveLength(1);
  });

  it("returns the existing job for a duplicate idempotency key", async () => {
    const key = `dup-${randomUUID()}`;
    const first = await enqueue("test.record", { key });
    const second = await enqueue("test.record", { key });
    expect(second).toMatchObject({ id: first.id, created: false });
    const { rows } = await withService((tx) => tx.query("select 1 from public.jobs where idempotency_key = $1", [key]));
    expect(rows).toHaveLength(1);
  });

  it("disappears with the transaction when it rolls back", async () => {
    const key = `rollback-${randomUUID()}`;
    await expect(
      withTenant(tenant.owner, async (tx) => {
        await enqueueJob(tx, { tenantId: tenant.id, name: "test.record", payload: {}, idempotencyKey: key });
        throw new Error("upload failed");
      }),
    ).rejects.toThrow("upload failed");
    const { rows } = await withService((tx) => tx.query("select 1 from public.jobs where idempotency_key = $1", [key]));
    expect(rows).toHaveLength(0);
  });

  it("also sends the Inngest event when Inngest is configured", async () => {
    const { inngest } = await import("@/lib/jobs/inngest");
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["x"] } as never);
    process.env.INNGEST_EVENT_KEY = "test-key";
    resetEnvForTests();
    try {
      const job = await enqueue("test.record");
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0]).toMatchObject({
        id: job.id,
        name: "jobs/test.record",
        data: { jobId: job.id, tenantId: tenant.id, idempotencyKey: job.idempotencyKey },
      });
      await enqueue("test.record", { key: job.idempotencyKey });
      expect(send).toHaveBeenCalledTimes(1); // a duplicate is not sent again
    } finally {
      delete process.env.INNGEST_EVENT_KEY;
      resetEnvForTests();
      send.mockRestore();
    }
  });
});

describe("runJobsUntilIdle", () => {
  it("runs a due job once and marks it succeeded", async () => {
    const job = await enqueue("test.record");
    const summary = await runJobsUntilIdle();
    expect(summary.succeeded).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0].payload).toEqual({ n: 1 });
    expect(calls[0].ctx).toMatchObject({ jobId: job.id, tenantId: tenant.id, attempt: 1, isFinalAttempt: false });
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 1, last_error: null, locked_until: null });
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);
  });

  it("does not run a job scheduled for later", async () => {
    await withTenant(tenant.owner, (tx) =>
      enqueueJob(tx, { tenantId: tenant.id, name: "test.record", payload: {}, idempotencyKey: randomUUID(), runAt: new Date(Date.now() + 60_000) }),
    );
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);
  });

  it("retries a failing job with exponential backoff, then fails it with the last error", async () => {
    const job = await enqueue("test.fail", { maxAttempts: 3 });
    const before = Date.now();
    expect(await runJobsUntilIdle()).toMatchObject({ retrying: 1, failed: 0 });
    const afterFirst = await jobRow(job.id);
    expect(afterFirst).toMatchObject({ status: "queued", attempts: 1, last_error: "provider unavailable" });
    const delay = new Date(afterFirst.run_at).getTime() - before;
    expect(delay).toBeGreaterThan(3_000);
    expect(delay).toBeLessThan(8_000);

    const rest = await runJobsUntilIdle({ ignoreBackoff: true });
    expect(rest).toMatchObject({ retrying: 1, failed: 1 });
    expect(rest.outcomes[0]).toMatchObject({ status: "retrying", retryInMs: 10_000 }); // doubled
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", attempts: 3, last_error: "provider unavailable" });
  });

  it("tells the handler which attempt is the last one, and succeeds on a later attempt", async () => {
    const seen: JobContext[] = [];
    jobCatalog.handlers["test.flaky"] = async (_payload, ctx) => {
      seen.push(ctx);
      if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
    };
    const job = await enqueue("test.flaky", { maxAttempts: 3 });
    await runJobsUntilIdle({ ignoreBackoff: true });
    expect(seen.map((c) => [c.attempt, c.isFinalAttempt])).toEqual([[1, false], [2, false], [3, true]]);
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 3, last_error: null });
  });

  it("fails at once on a permanent error", async () => {
    const job = await enqueue("test.permanent");
    expect(await runJobsUntilIdle({ ignoreBackoff: true })).toMatchObject({ failed: 1, retrying: 0 });
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", attempts: 1, last_error: "the file is corrupt" });
  });

  it("fails a job nobody can run", async () => {
    const job = await enqueue("test.unknown");
    await runJobsUntilIdle();
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", last_error: 'No handler is registered for job "test.unknown".' });
  });
});

describe("leases", () => {
  it("retries the job of a runner that stopped mid-run once its lease expires, and fences the stale runner", async () => {
    const job = await enqueue("test.record");
    const [claimed] = await claimDueJobs({ limit: 10, leaseMs: 60_000 });
    expect(claimed.id).toBe(job.id);
    // Still leased: nobody else takes it.
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);
    await withService((tx) => tx.query("update public.jobs set locked_until = now() - interval '1 second' where id = $1", [job.id]));
    expect(await runJobsUntilIdle()).toMatchObject({ succeeded: 1 });
    expect(await jobRow(job.id)).toMatchObject({ status: "succeeded", attempts: 2 });
    // The first runner coming back cannot overwrite the newer attempt's record.
    await withService((tx) => tx.query("update public.jobs set status = 'running' where id = $1", [job.id]));
    await markJobSucceeded(claimed);
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 2 });
  });

  it("fails a job whose last attempt's runner stopped", async () => {
    const job = await enqueue("test.record", { maxAttempts: 1 });
    await claimDueJobs({ limit: 10, leaseMs: 60_000 });
    await withService((tx) => tx.query("update public.jobs set locked_until = now() - interval '1 second' where id = $1", [job.id]));
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", last_error: "The worker stopped during the last attempt." });
  });
});

describe("startJobRunner", () => {
  it("picks up jobs queued before it started (a restart loses nothing) and runs sweeps", async () => {
    const queued = await enqueue("test.record");
    let swept = 0;
    const runner = startJobRunner({ pollMs: 20, sweeps: [{ name: "count", everySeconds: 3600, run: async () => void swept++ }] });
    try {
      await vi.waitFor(async () => expect((await jobRow(queued.id)).status).toBe("succeeded"), { timeout: 5_000 });
      const later = await enqueue("test.record");
      await vi.waitFor(async () => expect((await jobRow(later.id)).status).toBe("succeeded"), { timeout: 5_000 });
    } finally {
      await runner.stop();
    }
    expect(calls).toHaveLength(2);
    expect(swept).toBe(1);
  });
});

describe("pruneFinishedJobs", () => {
  it("forgets old finished jobs and keeps recent and unfinished ones", async () => {
    const old = await enqueue("test.record");
    const recent = await enqueue("test.record");
    const waiting = await enqueue("test.record");
    await withService((tx) =>
      tx.query("update public.jobs set status = 'succeeded', created_at = now() - interval '8 days' where id = $1", [old.id]),
    );
    await withService((tx) => tx.query("update public.jobs set status = 'succeeded' where id = $1", [recent.id]));
    expect(await pruneFinishedJobs({ succeededDays: 7, failedDays: 30 })).toBe(1);
    expect(await jobRow(old.id)).toBeUndefined();
    expect((await jobRow(recent.id)).status).toBe("succeeded");
    expect((await jobRow(waiting.id)).status).toBe("queued");
  });
});
