/**
 * npm run bench:retrieval: p50/p99 latency of retrieve() (as the chat calls it: a widget
 * visitor's transaction, k = 5) for a tenant with 10k and one with 100k chunks, among
 * several tenants sharing the same indexes (--other-chunks each). Target: p99 < 50 ms at 100k chunks.
 *
 * Runs on a throwaway database of the PostgreSQL named by TEST_ADMIN_DATABASE_URL (or
 * DATABASE_ADMIN_URL), else on an in-memory PGlite.
 *
 *   npm run bench:retrieval -- [--sizes 10000,100000] [--other-chunks 10000] [--queries 300]
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { createTextGenerator } from "@/eval/lib/corpus";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { createRunTenant } from "@/eval/lib/tenants";
import { getEmbedder } from "@/lib/ai/embeddings";
import { toPgVector } from "@/lib/ai/vector";
import { visitorClaims } from "@/lib/db/claims";
import { withService, withTenant } from "@/lib/db/tenant";
import { embeddingInput } from "@/lib/rag/chunk-store";
import { retrieve } from "@/lib/rag/retrieve";

const USAGE = `Usage: npm run bench:retrieval -- [options]
  --sizes N,N      chunks of each measured tenant (default 10000,100000)
  --queries N      measured questions per tenant (default 300)
  --other-chunks N chunks of each of the 3 other tenants sharing the indexes (default 10000)`;

const flags = z.object({
  sizes: z
    .string()
    .transform((text, ctx) => {
      const sizes = text.split(",").map((part) => Number(part.trim()));
      if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100)) {
        ctx.addIssue({ code: "custom", message: "needs whole numbers of at least 100, separated by commas" });
        return z.NEVER;
      }
      return sizes;
    })
    .default([10_000, 100_000]),
  queries: numberFlag({ int: true, min: 1, max: 100_000 }).default(300),
  "other-chunks": numberFlag({ int: true, min: 100, max: 1_000_000 }).default(10_000),
});
const WARMUP = 20;
const OTHER_TENANTS = 3;
const CHUNKS_PER_SOURCE = 200;
const WORDS_PER_CHUNK = 120;
const INSERT_BATCH = 500;
const TARGET_P99_MS = 50;

interface LoadedTenant {
  id: string;
  chunks: number;
  samples: string[];
}

/** Stores `chunks` chunks of synthetic text (offline-embedded) for a new tenant, 200 per source. */
async function loadTenant(label: string, chunks: number, seed: number): Promise<LoadedTenant> {
  const tenant = await createRunTenant("bench", { name: `retrieval ${label}` });
  const embedder = getEmbedder();
  const text = createTextGenerator(seed);
  const samples: string[] = [];
  let sourceId = "";
  for (let start = 0; start < chunks; start += INSERT_BATCH) {
    const rows: Array<{ sourceId: string; index: number; content: string }> = [];
    for (let i = start; i < Math.min(chunks, start + INSERT_BATCH); i++) {
      if (i % CHUNKS_PER_SOURCE === 0) {
        const { rows: created } = await withService((tx) =>
          tx.query<{ id: string }>(
            "insert into public.sources (tenant_id, title, kind, status, embedding_model) values ($1, $2, 'text', 'ready', $3) returning id",
            [tenant.id, `Article ${i / CHUNKS_PER_SOURCE}`, embedder.modelId],
          ),
        );
        sourceId = created[0].id;
      }
      const content = text.paragraph(WORDS_PER_CHUNK);
      if (samples.length < 1000 && text.rand() < 0.1) samples.push(content);
      rows.push({ sourceId, index: i % CHUNKS_PER_SOURCE, content });
    }
    const vectors = await embedder.embed(rows.map((r) => embeddingInput("Article", r.content)));
    await withService((tx) =>
      tx.query(
        `insert into public.documents (tenant_id, source_id, source_version, chunk_index, content, embedding, additional_data)
         select $1, x.source_id, 1, x.idx, x.content, x.embedding::vector,
                jsonb_build_object('source_id', x.source_id, 'title', 'Article', 'heading_path', '[]'::jsonb, 'page', null,
                                   'url', null, 'source_version', 1, 'embedding_model', $2::text)
         from unnest($3::uuid[], $4::int[], $5::text[], $6::text[]) as x(source_id, idx, content, embedding)`,
        [tenant.id, embedder.modelId, rows.map((r) => r.sourceId), rows.map((r) => r.index), rows.map((r) => r.content), vectors.map(toPgVector)],
      ),
    );
    if ((start / INSERT_BATCH) % 20 === 19) console.error(`  ${label}: ${start + INSERT_BATCH} chunks`);
  }
  return { id: tenant.id, chunks, samples };
}

/** Questions sharing some words with a stored chunk, shorter and with words left out. */
function questionsFor(tenant: LoadedTenant, count: number): string[] {
  const rand = createTextGenerator(tenant.chunks).rand;
  return Array.from({ length: count }, () => {
    const words = tenant.samples[Math.floor(rand() * tenant.samples.length)].replace(/\./g, "").split(" ");
    const start = Math.floor(rand() * Math.max(1, words.length - 14));
    return `How do I ${words.slice(start, start + 14).filter(() => rand() < 0.6).join(" ").toLowerCase()}?`;
  });
}

async function measure(tenant: LoadedTenant, queries: number) {
  const claims = visitorClaims({ tenantId: tenant.id, conversationId: randomUUID() });
  const inner: number[] = [];
  const outer: number[] = [];
  let short = 0;
  for (const [i, question] of questionsFor(tenant, queries + WARMUP).entries()) {
    const t0 = performance.now();
    const { elapsed, found } = await withTenant(claims, async (tx) => {
      const t1 = performance.now();
      const hits = await retrieve(tx, question, { k: 5 });
      return { elapsed: performance.now() - t1, found: hits.length };
    });
    if (i < WARMUP) continue;
    inner.push(elapsed);
    outer.push(performance.now() - t0);
    if (found < 5) short++;
  }
  return { chunks: tenant.chunks, retrieve_ms: latencyJson(inner), with_transaction_ms: latencyJson(outer), answers_short_of_k: short };
}

/** Maintenance a restore or autovacuum would do; needs the table owner, so only on a server. */
async function asAdmin(adminUrl: string | null, sql: string): Promise<boolean> {
  if (!adminUrl) return false;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
    return true;
  } finally {
    await client.end();
  }
}

async function main() {
  const { sizes, queries, "other-chunks": otherChunks } = parseCommandLine(process.argv.slice(2), flags);
  const db = await startRunDatabase("bench", { separateProcess: true });
  console.error(`bench:retrieval on ${db.kind}, embedder ${getEmbedder().modelId}, ${queries} queries per tenant, k = 5`);
  // On a server the HNSW index is built once after the bulk load, as after a restore; the
  // embedded database maintains it row by row.
  const bulk = await asAdmin(db.adminUrl, "drop index if exists public.documents_embedding_idx");
  for (let t = 0; t < OTHER_TENANTS; t++) await loadTenant(`other-${t + 1}`, otherChunks, 100 + t);
  const targets: LoadedTenant[] = [];
  for (const size of sizes) targets.push(await loadTenant(`target-${size}`, size, size));
  const total = OTHER_TENANTS * otherChunks + sizes.reduce((a, b) => a + b, 0);
  let indexBuildSeconds: number | null = null;
  if (bulk) {
    const t0 = performance.now();
    await asAdmin(
      db.adminUrl,
      "set maintenance_work_mem = '4GB'; set max_parallel_maintenance_workers = 2; " +
        "create index documents_embedding_idx on public.documents using hnsw (embedding vector_cosine_ops)",
    );
    indexBuildSeconds = Math.round((performance.now() - t0) / 1000);
  }
  await asAdmin(db.adminUrl, "vacuum analyze public.documents");
  // Steady state: the table and its indexes in the OS page cache (read mode), as on a
  // server that has been answering for a while; shared_buffers stays as configured.
  await asAdmin(
    db.adminUrl,
    `create extension if not exists pg_prewarm;
     select pg_prewarm(oid, 'read') from pg_class
     where oid in ('public.documents'::regclass, (select reltoastrelid from pg_class where oid = 'public.documents'::regclass))
        or oid in (select indexrelid from pg_index where indrelid = 'public.documents'::regclass)`,
  );

  const tenants: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const tenant of targets) {
    tenants[`chunks_${tenant.chunks}`] = await measure(tenant, queries);
    console.error(`  ${tenant.chunks} chunks: ${JSON.stringify(tenants[`chunks_${tenant.chunks}`].retrieve_ms)}`);
  }
  const largest = tenants[`chunks_${Math.max(...sizes)}`];
  emitResult({
    database: db.kind,
    embedder: getEmbedder().modelId,
    index_rows: total,
    tenants_in_index: OTHER_TENANTS + sizes.length,
    hnsw_build_s: indexBuildSeconds,
    ...Object.fromEntries(Object.entries(tenants).map(([key, r]) => [`${key}_retrieve_ms`, r.retrieve_ms])),
    ...Object.fromEntries(Object.entries(tenants).map(([key, r]) => [`${key}_answers_short_of_k`, r.answers_short_of_k])),
    target_p99_ms: TARGET_P99_MS,
    pass: sizes.includes(100_000) ? (largest.retrieve_ms.p99 ?? Infinity) < TARGET_P99_MS : undefined,
  });
}

runCli(USAGE, main);
