import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffClaims } from "@/lib/db/claims";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createStaffMember, createTenant } from "@/lib/tenants/provision";

/**
 * The embedded default, whatever database the rest of the suite uses: PGlite is one
 * session behind a multiplexing wire server, so this proves that concurrent requests of
 * different tenants, through the app's own withTenant, never see each other's rows.
 */
const saved = { ...process.env };
let embedded: EmbeddedDatabase;
const dataDir = mkdtempSync(path.join(tmpdir(), "support-embedded-"));

beforeAll(async () => {
  await closePool();
  embedded = await startEmbeddedDatabase({ dataDir });
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_MAX = "1";
  delete process.env.DATABASE_ADMIN_URL;
  resetEnvForTests();
}, 120_000);

afterAll(async () => {
  await closePool();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.env = saved;
  resetEnvForTests();
});

async function provision(slug: string) {
  return withService(async (tx) => {
    const tenant = await createTenant(tx, { name: slug, slug: `${slug}-${randomUUID().slice(0, 6)}` });
    const { userId } = await createStaffMember(tx, { tenantId: tenant.id, email: `${slug}-${randomUUID()}@x.test`, password: null, role: "owner" });
    for (let i = 0; i < 3; i++) {
      await tx.query("insert into public.conversations (tenant_id) values ($1)", [tenant.id]);
    }
    return staffClaims({ userId, tenantId: tenant.id, role: "owner" });
  });
}

describe("embedded PGlite", () => {
  it("connects as a non-superuser login role with RLS in force", async () => {
    const client = new pg.Client(embedded.url);
    await client.connect();
    const { rows } = await client.query("select rolsuper, rolbypassrls from pg_roles where rolname = current_user");
    await client.end();
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it("serves the app with a login role that cannot switch to the RLS-bypassing role", async () => {
    const membership = async (url: string) => {
      const client = new pg.Client(url);
      await client.connect();
      try {
        const { rows } = await client.query<{ member: boolean }>("select pg_has_role(current_user, 'service_role', 'MEMBER') as member");
        const switched = await client.query("set role service_role").then(() => true, (error: Error) => {
          expect(error.message).toMatch(/permission denied/);
          return false;
        });
        return { member: rows[0].member, switched };
      } finally {
        await client.end();
      }
    };
    expect(await membership(embedded.url)).toEqual({ member: true, switched: true }); // provisioning (tests, tenant:create)
    await closePool();
    await embedded.stop();
    // The same data directory served as `npm start` serves it: the earlier grant is gone.
    embedded = await startEmbeddedDatabase({ dataDir, provisioning: false });
    try {
      expect(await membership(embedded.url)).toEqual({ member: false, switched: false });
      const client = new pg.Client(embedded.url);
      await client.connect();
      await client.query("begin; set local role anon; set local role authenticated; set local role app_worker; set local role app_auth; rollback");
      await client.end();
    } finally {
      await embedded.stop();
      embedded = await startEmbeddedDatabase({ dataDir });
      process.env.DATABASE_URL = embedded.url;
      resetEnvForTests();
    }
  });

  it("keeps concurrent transactions of different tenants apart", async () => {
    const a = await provision("emb-a");
    const b = await provision("emb-b");
    const runs = Array.from({ length: 40 }, (_, i) => {
      const claims = i % 2 === 0 ? a : b;
      return withTenant(claims, async (tx) => {
        const first = await tx.query<{ tenant_id: string }>("select distinct tenant_id from public.conversations");
        await tx.query("insert into public.audit_log (tenant_id, actor_id, action) values ($1, $2, 'concurrency.probe')", [
          claims.app_metadata.tenant_id,
          claims.sub,
        ]);
        const second = await tx.query<{ current: string; n: string }>(
          "select app.current_tenant_id()::text as current, (select count(*) from public.audit_log)::text as n",
        );
        return { expected: claims.app_metadata.tenant_id, seen: first.rows.map((r) => r.tenant_id), current: second.rows[0].current };
      });
    });
    const results = await Promise.all(runs);
    for (const result of results) {
      expect(result.seen).toEqual([result.expected]);
      expect(result.current).toBe(result.expected);
    }
    const counts = await Promise.all(
      [a, b].map((claims) => withTenant(claims, (tx) => tx.query<{ n: string }>("select count(*)::text as n from public.audit_log"))),
    );
    expect(counts.map((c) => Number(c.rows[0].n))).toEqual([20, 20]);
  });

  it("persists under its data directory across restarts without re-running migrations", async () => {
    const claims = await provision("emb-persist");
    await closePool();
    await embedded.stop();
    embedded = await startEmbeddedDatabase({ dataDir });
    process.env.DATABASE_URL = embedded.url;
    resetEnvForTests();
    const { rows } = await withTenant(claims, (tx) => tx.query("select count(*)::int as n from public.conversations"));
    expect(rows[0].n).toBe(3);
  });
});
