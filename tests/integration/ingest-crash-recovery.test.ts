import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { getEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { validateUpload } from "@/lib/rag/upload";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

/**
 * Fault: the app process is killed in the middle of an ingestion job. After a restart
 * (the dead process's lease has expired) the job completes, exactly once: every chunk
 * stored once, the source ready, the job succeeded on its second attempt.
 */
let tenant: TestTenant;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  tenant = await createTestTenant("crash");
});

afterEach(() => setEmbedderForTests(undefined));

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await closePool();
});

async function upload(fileName: string, data: Uint8Array): Promise<string> {
  const file = validateUpload({ fileName, mimeType: null, data });
  const added = await withTenant(tenant.owner, (tx) => addFileSource(tx, { ...file, tenantId: tenant.id, userId: tenant.ownerId }));
  return added.source.id;
}

/** The app stand-in: the real job runner in its own process (the embedded database serves one connection, so ours closes first). */
async function startAppProcess(env: Record<string, string> = {}): Promise<ChildProcess> {
  await closePool();
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register.mjs", "tests/support/job-runner-process.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  return child;
}

function nextMessage(child: ChildProcess, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on("message", (message: Record<string, unknown>) => {
      if (key in message) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before "${key}"`)));
  });
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  children.delete(child);
  // The embedded database frees its one connection slot only once it notices the dead
  // process's socket closed; until then it resets new connections.
  for (let tries = 0; ; tries++) {
    try {
      await withService((tx) => tx.query("select 1"));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET" || tries === 40) throw error;
      await closePool();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Processes whose parent is `pid` (Linux /proc), with their command lines. */
function childProcessesOf(pid: number): Array<{ pid: number; command: string }> {
  const found = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ") });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function state(sourceId: string) {
  return withService(async (tx) => {
    const source = await tx.query<{ status: string; chunks_total: number; chunks_done: number; extract_attempts: number; version: number }>(
      "select status, chunks_total, chunks_done, extract_attempts, version from public.sources where id = $1",
      [sourceId],
    );
    const chunks = await tx.query<{ rows: number; distinct_indexes: number; versions: number }>(
      `select count(*)::int as rows, count(distinct chunk_index)::int as distinct_indexes, count(distinct source_version)::int as versions
       from public.documents where source_id = $1`,
      [sourceId],
    );
    const jobs = await tx.query<{ status: string; attempts: number; lease_held: boolean }>(
      "select status, attempts, coalesce(locked_until > now(), false) as lease_held from public.jobs where payload->>'sourceId' = $1",
      [sourceId],
    );
    return { source: source.rows[0], chunks: chunks.rows[0], jobs: jobs.rows };
  });
}

/** A restart after the dead process's lease ran out: what the next runner finds. */
async function restartAfterLeaseExpiry(sourceId: string) {
  await withService((tx) =>
    tx.query("update public.jobs set locked_until = now() - interval '1 second' where payload->>'sourceId' = $1 and status = 'running'", [sourceId]),
  );
  return runJobsUntilIdle();
}

function handbook(parts: number): string {
  const lines = ["# Shipping handbook"];
  for (let p = 1; p <= parts; p++) {
    lines.push(`## Part ${p}`);
    for (let s = 0; s < 40; s++) lines.push(`Rule ${p}.${s}: shipment ${p * 100 + s} is packed, labelled and tracked carefully.`);
    lines.push("");
  }
  return lines.join("\n");
}

// Each test starts a second Node process and runs a whole ingestion twice.
describe("app process killed during ingestion", { timeout: 90_000 }, () => {
  it("killed while embedding: the restarted job resumes after the stored chunks and completes exactly once", async () => {
    const sourceId = await upload("handbook.md", new TextEncoder().encode(handbook(100)));
    const app = await startAppProcess({ STALL_AFTER_EMBED_BATCHES: "2" });
    await nextMessage(app, "stalled");
    await killHard(app);

    const killed = await state(sourceId);
    expect(killed.source).toMatchObject({ status: "processing", chunks_done: 128, extract_attempts: 0 });
    expect(killed.source.chunks_total).toBeGreaterThan(192);
    expect(killed.jobs).toEqual([{ status: "running", attempts: 1, lease_held: true }]);

    const real = getEmbedder();
    let embedded = 0;
    setEmbedderForTests({ ...real, embed: async (texts) => ((embedded += texts.length), real.embed(texts)) });
    expect(await restartAfterLeaseExpiry(sourceId)).toMatchObject({ succeeded: 1, retrying: 0, failed: 0 });

    const done = await state(sourceId);
    const total = killed.source.chunks_total;
    expect(done.source).toMatchObject({ status: "ready", chunks_total: total, chunks_done: total, version: 1 });
    expect(done.chunks).toEqual({ rows: total, distinct_indexes: total, versions: 1 });
    expect(done.jobs).toEqual([{ status: "succeeded", attempts: 2, lease_held: false }]);
    // Chunks 1..127 were stored before the kill; only chunk 0 and the rest are embedded again.
    expect(embedded).toBe(total - 127);
  });

  it("killed while the file is read: the attempt was recorded first, the reader stops too, and the job then completes", async () => {
    const pages = Array.from({ length: 60 }, (_, p) => [`Chapter ${p + 1}`, ...Array.from({ length: 30 }, (_, l) => `Rule ${p}.${l}: parcels are tracked.`)]);
    const sourceId = await upload("manual.pdf", buildPdf(pages, { compress: true }));
    const app = await startAppProcess();
    const reader = await until(
      () => childProcessesOf(app.pid!).find((c) => c.command.includes("extract-child.ts")),
      "the extraction sandbox to start",
    );
    await killHard(app);
    await until(() => (isRunning(reader.pid) ? undefined : true), "the orphaned reader to stop");

    const killed = await state(sourceId);
    expect(killed.source).toMatchObject({ status: "processing", extract_attempts: 1, chunks_total: 0 });
    expect(killed.jobs).toEqual([{ status: "running", attempts: 1, lease_held: true }]);

    expect(await restartAfterLeaseExpiry(sourceId)).toMatchObject({ succeeded: 1, retrying: 0, failed: 0 });
    const done = await state(sourceId);
    expect(done.source).toMatchObject({ status: "ready", extract_attempts: 0 });
    expect(done.source.chunks_total).toBeGreaterThanOrEqual(60);
    expect(done.chunks).toEqual({ rows: done.source.chunks_total, distinct_indexes: done.source.chunks_total, versions: 1 });
    expect(done.jobs).toEqual([{ status: "succeeded", attempts: 2, lease_held: false }]);
  });

  it("killed during every attempt: the source fails with the reason instead of staying in progress", async () => {
    const sourceId = await upload("doomed.md", new TextEncoder().encode(handbook(2)));
    // As a runner that claimed the last attempt and died leaves it: running, lease expired.
    await withService((tx) =>
      tx.query(
        `update public.jobs set status = 'running', attempts = max_attempts, locked_until = now() - interval '1 second'
         where payload->>'sourceId' = $1`,
        [sourceId],
      ),
    );
    await withService((tx) => tx.query("update public.sources set status = 'processing' where id = $1", [sourceId]));
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);
    const after = await state(sourceId);
    expect(after.jobs).toEqual([{ status: "failed", attempts: 5, lease_held: false }]);
    expect(after.source.status).toBe("failed");
    const { rows } = await withService((tx) => tx.query<{ error: string }>("select error from public.sources where id = $1", [sourceId]));
    expect(rows[0].error).toMatch(/^Indexing was interrupted on every attempt/);
    expect(after.chunks.rows).toBe(0);
  });
});
