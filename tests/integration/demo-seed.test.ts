import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClaims } from "@/lib/db/claims";
import { verifyLocalCredentials } from "@/lib/auth/sign-in";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/queue";
import { jobCatalog } from "@/lib/flows/background-jobs";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { deleteSource } from "@/lib/rag/sources";
import { demoSeedingPlan, readDemoLogins, seedDemo } from "@/scripts/lib/seed-demo";
import { createTestTenant } from "@/tests/support/fixtures";

const root = process.cwd();
let dataDir: string;
const previousDataDir = process.env.DATA_DIR;
const poisonRuns: string[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "demo-seed-"));
  process.env.DATA_DIR = dataDir;
  resetEnvForTests();
  jobCatalog.handlers["test.poison"] = async (_payload, ctx) => {
    poisonRuns.push(ctx.jobId);
  };
});

afterAll(async () => {
  delete jobCatalog.handlers["test.poison"];
  if (previousDataDir === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = previousDataDir;
  resetEnvForTests();
  rmSync(dataDir, { recursive: true, force: true });
  // The demo tenants must not leak into other test files (their slugs are fixed).
  await withService((tx) => tx.query("delete from public.tenants where slug in ('acme', 'globex')"));
  await closePool();
});

async function demoTenantId(slug: string): Promise<string> {
  const { rows } = await withService((tx) => tx.query<{ id: string }>("select id from public.tenants where slug = $1", [slug]));
  return rows[0].id;
}

async function sourcesOf(tenantId: string) {
  const { rows } = await withService((tx) =>
    tx.query<{ id: string; file_name: string; version: number; content_hash: string; status: string }>(
      "select id, file_name, version, content_hash, status from public.sources where tenant_id = $1 order by file_name",
      [tenantId],
    ),
  );
  return rows;
}

describe("demo seeding policy", () => {
  it("seeds the embedded database by default, any other only on explicit opt-in with an admin URL", () => {
    expect(demoSeedingPlan({ embedded: true })).toEqual({ seed: true });
    expect(demoSeedingPlan({ embedded: true, seedDemo: "false" })).toEqual({ seed: false });
    expect(demoSeedingPlan({ embedded: false, adminUrl: "postgres://admin@db/app" })).toEqual({ seed: false });
    expect(demoSeedingPlan({ embedded: false, seedDemo: "true", adminUrl: "postgres://admin@db/app" })).toEqual({ seed: true });
    expect(demoSeedingPlan({ embedded: false, seedDemo: "true" })).toMatchObject({ seed: false, note: expect.stringMatching(/DATABASE_ADMIN_URL/) });
  });
});

describe("seedDemo", () => {
  it("runs only its own jobs: another tenant's queued job waits for the app's runner", async () => {
    const other = await createTestTenant("boot");
    const poisoned = await withTenant(other.owner, (tx) =>
      enqueueJob(tx, { tenantId: other.id, name: "test.poison", payload: {}, idempotencyKey: randomUUID() }),
    );
    await seedDemo(root);
    expect(poisonRuns).toEqual([]);
    const { rows } = await withService((tx) => tx.query<{ status: string }>("select status from public.jobs where id = $1", [poisoned.id]));
    expect(rows[0].status).toBe("queued");
    // The demo knowledge base itself was indexed during seeding.
    const acme = await sourcesOf(await demoTenantId("acme"));
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((s) => s.status === "ready")).toBe(true);
    await runJobsUntilIdle();
    expect(poisonRuns).toEqual([poisoned.id]);
  });

  it("gives demo staff random passwords, kept in a private file and never in the public manifest", async () => {
    const logins = readDemoLogins(dataDir);
    const all = [...logins.acme, ...logins.globex];
    expect(all.map((l) => l.email).sort()).toEqual(["agent@acme.test", "agent@globex.test", "owner@acme.test", "owner@globex.test"]);
    expect(new Set(all.map((l) => l.password)).size).toBe(4);
    for (const login of all) {
      expect(login.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(login.password).not.toMatch(/-demo$/); // the old public passwords
      await expect(verifyLocalCredentials(login.email, login.password)).resolves.toMatchObject({ role: "authenticated" });
    }
    await expect(verifyLocalCredentials("owner@acme.test", "acme-owner-demo")).rejects.toThrow();
    expect(statSync(path.join(dataDir, "demo-logins.json")).mode & 0o077).toBe(0);
    const manifest = readFileSync(path.join(dataDir, "demo-tenants.json"), "utf8");
    expect(manifest).toContain("owner@acme.test");
    for (const login of all) expect(manifest).not.toContain(login.password);
  });

  it("seeds once: a restart keeps the owner's edits and deletions and the passwords", async () => {
    const acmeId = await demoTenantId("acme");
    const before = await sourcesOf(acmeId);
    const [edited, deleted] = before;
    await withTenant(systemClaims(acmeId), async (tx) => {
      await addFileSource(tx, {
        tenantId: acmeId,
        userId: null,
        kind: "markdown",
        fileName: edited.file_name,
        mimeType: "text/markdown",
        data: new TextEncoder().encode("# Edited by the owner\n\nOur own wording now."),
      });
      await deleteSource(tx, deleted.id);
    });
    await runJobsUntilIdle();
    const afterEdit = await sourcesOf(acmeId);
    const logins = readDemoLogins(dataDir);

    await seedDemo(root); // the next `npm start`

    expect(await sourcesOf(acmeId)).toEqual(afterEdit);
    expect(afterEdit.find((s) => s.id === edited.id)).toMatchObject({ version: 2, status: "ready" });
    expect(afterEdit.some((s) => s.id === deleted.id || s.file_name === deleted.file_name)).toBe(false);
    expect(readDemoLogins(dataDir)).toEqual(logins);
    const queued = await withService((tx) =>
      tx.query("select 1 from public.jobs where tenant_id = $1 and status = 'queued'", [acmeId]),
    );
    expect(queued.rows).toHaveLength(0);
  });
});
