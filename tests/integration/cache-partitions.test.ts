import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheWidthOf, MINILM_MODEL_ID_PREFIX } from "@/lib/ai/embeddings";
import { cacheVector, padEmbedding } from "@/lib/ai/vector";
import { lookupCacheAs, writeCache, type CacheEntryInput } from "@/lib/cache";
import { systemClaims } from "@/lib/db/claims";
import { MIGRATIONS_DIR, runMigrations, type SqlExecutor } from "@/lib/db/migrate";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

/**
 * Migration 2026120100900: the semantic cache partitioned by tenant, vectors stored at the
 * model's own width (384 for MiniLM, 1536 otherwise), every policy and grant carried over.
 */

const PARTITIONING = "2026120100900";
const MINILM = `${MINILM_MODEL_ID_PREFIX}:test`;
const WIDE = "openai:text-embedding-3-small";

/** A unit vector of `width` numbers pointing mostly along `axis`, tilted by `tilt` along `axis + 1`. */
function unit(width: number, axis: number, tilt = 0): number[] {
  const v = new Array<number>(width).fill(0);
  v[axis] = 1;
  v[axis + 1] = tilt;
  const norm = Math.hypot(1, tilt);
  return v.map((x) => x / norm);
}

function executor(db: PGlite): SqlExecutor {
  return { query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql) };
}

/** The rules on public.cache_entries: policies and table and column privileges, comparable. */
async function rulesOf(db: PGlite) {
  const policies = await db.query<Record<string, unknown>>(
    `select policyname, permissive, roles::text, cmd, qual, with_check from pg_policies
      where schemaname = 'public' and tablename = 'cache_entries' order by policyname`,
  );
  const grants = await db.query<Record<string, unknown>>(
    `select grantee, privilege_type, null as column_name from information_schema.role_table_grants
      where table_schema = 'public' and table_name = 'cache_entries'
     union all
     select grantee, privilege_type, column_name from information_schema.column_privileges
      where table_schema = 'public' and table_name = 'cache_entries' and grantee not in ('postgres', 'service_role')
     order by 1, 2, 3`,
  );
  return { policies: policies.rows, grants: grants.rows };
}

describe("migration 2026120100900 on a database with cached answers", () => {
  let db: PGlite;
  let before: Awaited<ReturnType<typeof rulesOf>>;
  let earlier: string;
  const tenants = ["00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"];

  beforeAll(async () => {
    earlier = await mkdtemp(path.join(tmpdir(), "migrations-"));
    for (const file of await readdir(MIGRATIONS_DIR)) {
      if (file.endsWith(".sql") && file < PARTITIONING) await cp(path.join(MIGRATIONS_DIR, file), path.join(earlier, file));
    }
    db = await PGlite.create({ extensions: { vector } });
    await runMigrations(executor(db), earlier);
    for (const [i, id] of tenants.entries()) {
      await db.query("insert into public.tenants (id, name, slug) values ($1, $2, $3)", [id, `Tenant ${i}`, `tenant-${i}`]);
    }
    const insert = `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, expires_at, hits)
                    values ($1, $2, $3, $4::vector, $5, $6, 'human', now() + interval '1 day', $7)`;
    // A MiniLM vector as it was stored: 384 numbers, zero-padded to 1536.
    await db.query(insert, [tenants[0], "Reset password?", "reset password", `[${padEmbedding(unit(384, 3)).join(",")}]`, MINILM, "Use the link.", 4]);
    await db.query(insert, [tenants[1], "Refund?", "refund", `[${unit(1536, 1000).join(",")}]`, WIDE, "Within 30 days.", 0]);
    before = await rulesOf(db);
    await runMigrations(executor(db));
  });

  afterAll(async () => {
    await db?.close();
    if (earlier) await rm(earlier, { recursive: true, force: true });
  });

  it("moves every entry into its tenant's partition, MiniLM's without its padding", async () => {
    const { rows } = await db.query<{ tenant_id: string; partition: string; width: number; answer: string; hits: number }>(
      `select e.tenant_id, e.tableoid::regclass::text as partition, vector_dims(e.embedding) as width, e.answer, e.hits
         from public.cache_entries e order by e.answer`,
    );
    expect(rows).toEqual([
      { tenant_id: tenants[0], partition: `cache_partitions.t_${tenants[0].replaceAll("-", "")}`, width: 384, answer: "Use the link.", hits: 4 },
      { tenant_id: tenants[1], partition: `cache_partitions.t_${tenants[1].replaceAll("-", "")}`, width: 1536, answer: "Within 30 days.", hits: 0 },
    ]);
    expect((await db.query("select to_regclass('public.cache_entries_unpartitioned') as old")).rows).toEqual([{ old: null }]);
  });

  it("keeps every policy and every table and column privilege as they were", async () => {
    expect(await rulesOf(db)).toEqual(before);
    expect(before.policies.length).toBeGreaterThan(5);
  });

  it("builds one HNSW index per stored width on each partition", async () => {
    const { rows } = await db.query<{ indexdef: string }>(
      "select indexdef from pg_indexes where schemaname = 'cache_partitions' and indexdef like '%hnsw%' order by indexdef",
    );
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.indexdef.includes("vector(384)") && r.indexdef.includes("vector_dims(embedding) = 384"))).toHaveLength(2);
  });

  it("refuses a vector of any other width", async () => {
    await expect(
      db.query(
        `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, expires_at)
         values ($1, 'q', 'q', '[1,0,0]', 'm', 'a', 'human', now())`,
        [tenants[0]],
      ),
    ).rejects.toThrow(/cache_entries_embedding_width/);
  });
});

describe("the partitioned cache in use", () => {
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    a = await createTestTenant("part-a");
    b = await createTestTenant("part-b");
  });

  afterAll(async () => {
    await closePool();
  });

  it("gives a new tenant its own partition, which no request role can read directly", async () => {
    const partition = `cache_partitions.t_${a.id.replaceAll("-", "")}`;
    const { rows } = await withService((tx) =>
      tx.query<{ attached: boolean; rls: boolean; forced: boolean }>(
        `select exists (select 1 from pg_inherits where inhrelid = c.oid and inhparent = 'public.cache_entries'::regclass) as attached,
                c.relrowsecurity as rls, c.relforcerowsecurity as forced
           from pg_class c where c.oid = to_regclass($1)`,
        [partition],
      ),
    );
    expect(rows).toEqual([{ attached: true, rls: true, forced: true }]);
    for (const claims of [a.visitor(), a.owner]) {
      await expect(withTenant(claims, (tx) => tx.query(`select count(*) from ${partition}`))).rejects.toThrow(/permission denied/);
    }
  });

  for (const model of [MINILM, WIDE]) {
    const width = cacheWidthOf(model);
    it(`answers from the tenant's own entries at width ${width}, never another tenant's`, async () => {
      const entry = (question: string, axis: number, answer: string): CacheEntryInput => ({
        question,
        // As the embedder hands it over: padded to 1536.
        embedding: padEmbedding(unit(width, axis)),
        answer,
        source: "human",
        citations: [],
        sourceIds: [],
        confidence: null,
        ttlDays: 7,
      });
      for (const [tenant, answer] of [[a, "A's answer"], [b, "B's answer"]] as const) {
        await withTenant(systemClaims(tenant.id), async (tx) => {
          const scope = { tx, tenantId: tenant.id, embeddingModel: model };
          expect(await writeCache(scope, entry(`Where is my order ${width}?`, 10, answer))).toBe(true);
          expect(await writeCache(scope, entry(`Cancel my plan ${width}?`, 200, `${answer} (cancel)`))).toBe(true);
        });
      }
      const stored = await withService((tx) =>
        tx.query<{ width: number }>("select distinct vector_dims(embedding) as width from public.cache_entries where embedding_model = $1", [model]),
      );
      expect(stored.rows).toEqual([{ width }]);

      // A paraphrase: near the first entry (cosine 0.995), off every other.
      const near = padEmbedding(unit(width, 10, 0.1));
      const request = (tenant: TestTenant) => ({ claims: tenant.visitor(), tenantId: tenant.id, embeddingModel: model, question: "Where's my parcel?" });
      expect((await lookupCacheAs(request(a), near, 0.9))?.answer).toBe("A's answer");
      expect((await lookupCacheAs(request(b), near, 0.9))?.answer).toBe("B's answer");
      expect(await lookupCacheAs(request(a), padEmbedding(unit(width, 300)), 0.9)).toBeNull();
      expect(cacheVector(near, width)).toHaveLength(width);
    });
  }
});
