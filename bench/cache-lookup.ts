/**
 * The semantic-cache lookup alone, on the database, beside a plain pgvector statement.
 *
 * What it measures: the time from calling the product's lookup to having the answer (or
 * the miss) in hand, for one client asking one question at a time (latency, not load),
 * then the lookups per second that `--clients` concurrent callers get. The question's
 * embedding is computed beforehand and not included (the embedder is measured by
 * bench:chat and the embedder's own benchmark).
 *
 * How: `--tenants` tenants with `--entries` cached answers each plus one tenant with
 * `--large` entries, in the cache table as the product lays it out (one partition per
 * tenant, each with its own HNSW index at the model's width: migration 2026120100900),
 * embedded by the configured embedder (its name is in the result). Queries (eval/lib/cache-queries.ts)
 * are exact repeats, paraphrases whose true nearest entry (exhaustive search) is their
 * source above the threshold, and off-topic misses; every answer is checked against the
 * expected one. Three ways to look up, on the same vectors:
 *  - product: lookupCacheAs, the one-round-trip app.cache_lookup (claims, index settings,
 *    exact probe, neighbours and ranking in one statement, under RLS);
 *  - product_in_transaction: lookupCache inside withTenant, as a question's transaction
 *    does it (checkout, begin, claims, the lookup under a savepoint, commit);
 *  - plain: a tenant-filtered `order by embedding <=> $1 limit 5` (or the key probe) on a
 *    superuser connection, through the same index with the same settings, no RLS, no
 *    transaction, no ranking: the floor.
 * Recall: the share of paraphrases for which each way returns the true nearest entry.
 *
 *   npm run bench:cache-lookup -- [--tenants 10] [--entries 10000] [--large 100000] [--queries 300] [--clients 8]
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import { cacheWidthOf, getEmbedder } from "@/lib/ai/embeddings";
import { cacheVector, toPgVector } from "@/lib/ai/vector";
import { cacheSettingsFor, lookupCache, lookupCacheAs, normalizeQuestion, type CacheHit, type QuestionScope } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { visitorClaims, type RequestClaims } from "@/lib/db/claims";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { round } from "@/eval/lib/stats";
import { planTenantQueries, usedDimensions, VectorSet, type CacheQuery, type QueryKind } from "@/eval/lib/cache-queries";
import { expectedAnswer, seedManyCaches } from "@/eval/lib/cache-seed";
import { createCacheTenants } from "@/eval/lib/cache-tenants";
import { runCli, wasInterrupted } from "@/eval/lib/lifecycle";
import { emitResult, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";

const USAGE = `Usage: npm run bench:cache-lookup -- [options]
  --tenants N    tenants of --entries each (default 10)
  --entries N    cached answers per tenant (default 10000; 2000 on embedded PGlite)
  --large N      entries of one more tenant (default 100000; 10000 on PGlite; 0 for none)
  --queries N    queries of each kind per size (default 300)
  --clients N    concurrent callers for the throughput figure (default 8)
  --duration S   seconds of the throughput figure (default 5)`;

const flags = z.object({
  tenants: numberFlag({ int: true, min: 1, max: 100 }).default(10),
  entries: numberFlag({ int: true, min: 10, max: 200_000 }).optional(),
  large: numberFlag({ int: true, min: 0, max: 200_000 }).optional(),
  queries: numberFlag({ int: true, min: 10, max: 10_000 }).default(300),
  clients: numberFlag({ int: true, min: 1, max: 64 }).default(8),
  duration: numberFlag({ min: 1 }).default(5),
});

/** Targets of issue 13 (one client, PostgreSQL, this machine). */
const TARGETS = { p50_ms_10k: 0.5, p99_ms_10k: 3, p50_ms_100k: 1 };

type Method = "product" | "product_in_transaction" | "plain";
const METHODS: Method[] = ["product", "product_in_transaction", "plain"];

interface Tenant {
  id: string;
  index: number;
  entries: number;
  claims: RequestClaims;
}

interface Prepared extends CacheQuery {
  tenant: Tenant;
  vector: number[];
}

interface Answer {
  answer: string | null;
}

/** The lookup function's own settings (app.cache_lookup, migration 2026120100900). */
const PLAIN_SETTINGS = "set enable_bitmapscan = off; set hnsw.iterative_scan = relaxed_order; set hnsw.ef_search = 100";

function plainLookup(admin: pg.Client, model: string) {
  const width = cacheWidthOf(model);
  return async (q: Prepared): Promise<Answer> => {
    const { rows } =
      q.kind === "exact"
        ? await admin.query<{ answer: string }>(
            "select answer from public.cache_entries where tenant_id = $1 and question_key = $2 and embedding_model = $3 and expires_at > now()",
            [q.tenant.id, normalizeQuestion(q.text), model],
          )
        : await admin.query<{ answer: string }>(
            // The expression and predicate of the width's partial HNSW index (migration 2026120100900).
            `select answer from public.cache_entries
              where tenant_id = $1 and embedding_model = $2 and expires_at > now() and vector_dims(embedding) = ${width}
              order by embedding::vector(${width}) <=> $3::vector(${width}) limit 5`,
            [q.tenant.id, model, toPgVector(cacheVector(q.vector, width))],
          );
    return { answer: rows[0]?.answer ?? null };
  };
}

function productLookup(model: string, threshold: number) {
  return async (q: Prepared): Promise<Answer> => {
    const request = { claims: q.tenant.claims, tenantId: q.tenant.id, embeddingModel: model, question: q.text };
    const hit: CacheHit | null = await lookupCacheAs(request, q.kind === "exact" ? null : q.vector, threshold);
    return { answer: hit?.answer ?? null };
  };
}

function productInTransaction(model: string, threshold: number) {
  return async (q: Prepared): Promise<Answer> => {
    const hit = await withTenant(q.tenant.claims, (tx) => {
      const scope: QuestionScope = { tx, tenantId: q.tenant.id, embeddingModel: model, question: q.text };
      return lookupCache(scope, q.vector, threshold);
    });
    return { answer: hit?.answer ?? null };
  };
}

/** Served the right answer: the expected entry's for exact and paraphrase, nothing for a miss. */
function isRight(q: Prepared, answer: string | null): boolean {
  return q.expected === null ? answer === null : answer === expectedAnswer(q.tenant.index, q.expected);
}

/** `thresholded`: the way applies the similarity threshold (the plain statement does not). */
async function timeEach(queries: Prepared[], run: (q: Prepared) => Promise<Answer>, thresholded: boolean) {
  for (const q of queries) await run(q); // warm-up: plans cached, index pages in memory
  const ms: number[] = [];
  let right = 0;
  for (const q of queries) {
    if (wasInterrupted()) break;
    const started = performance.now();
    const { answer } = await run(q);
    ms.push(performance.now() - started);
    if (isRight(q, answer)) right++;
  }
  // Without a threshold a miss always has a nearest row: "right" means nothing there.
  const judged = thresholded || queries.every((q) => q.kind !== "miss");
  return { latency_ms: latencyJson(ms), right: judged ? right : null, of: queries.length };
}

async function throughput(queries: Prepared[], run: (q: Prepared) => Promise<Answer>, clients: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end && !wasInterrupted(); i += clients) {
        await run(queries[i % queries.length]);
        done++;
      }
    }),
  );
  return round(done / seconds) ?? 0;
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const db = await startRunDatabase("bench");
  const embedder = getEmbedder();
  const threshold = cacheSettingsFor({}, embedder.modelId).similarityThreshold;

  const created = await createCacheTenants(db, args, "Lookup bench");
  const { entries, large } = created;
  const tenants: Tenant[] = created.tenants.map((t) => ({ ...t, claims: visitorClaims({ tenantId: t.id, conversationId: randomUUID() }) }));
  // Queries come from three tenants of the small size and from the large one.
  const queried = new Set([0, 1, 2].filter((i) => i < args.tenants).concat(large > 0 ? [args.tenants] : []));
  const seeded = new Map<number, { questions: string[]; vectors: VectorSet }>();
  console.error(`Seeding ${args.tenants} × ${entries}${large ? ` + 1 × ${large}` : ""} entries (${embedder.modelId}, ${db.kind})…`);
  const seeding = await seedManyCaches(tenants, {
    adminUrl: db.adminUrl,
    log: (m) => console.error(m),
    onSeeded: (index, questions, vectors) => {
      if (queried.has(index)) seeded.set(index, { questions, vectors: new VectorSet(vectors, usedDimensions(vectors)) });
    },
  });

  console.error("Planning checked queries (exhaustive nearest-neighbour search)…");
  const classes: Array<{ label: string; entries: number; queries: Prepared[]; generated: Record<QueryKind, number>; dropped: Record<QueryKind, number> }> = [];
  for (const [label, members] of [
    [`${entries}`, tenants.filter((t) => queried.has(t.index) && t.entries === entries && t.index < args.tenants)],
    [`${large}`, tenants.filter((t) => t.index === args.tenants && large > 0)],
  ] as const) {
    if (members.length === 0) continue;
    const cls = { label, entries: members[0].entries, queries: [] as Prepared[], generated: { exact: 0, paraphrase: 0, miss: 0 }, dropped: { exact: 0, paraphrase: 0, miss: 0 } };
    for (const tenant of members) {
      const data = seeded.get(tenant.index)!;
      const plan = await planTenantQueries({ ...data, embed: (t) => embedder.embed(t), threshold, perKind: Math.ceil(args.queries / members.length), seed: 1000 + tenant.index });
      const vectors = await embedder.embed(plan.queries.map((q) => q.text));
      cls.queries.push(...plan.queries.map((q, i) => ({ ...q, tenant, vector: vectors[i] })));
      for (const kind of ["exact", "paraphrase", "miss"] as const) {
        cls.generated[kind] += plan.generated[kind];
        cls.dropped[kind] += plan.dropped[kind];
      }
    }
    classes.push(cls);
  }
  seeded.clear();

  const admin = new pg.Client({ connectionString: db.adminUrl ?? db.url });
  await admin.connect();
  await admin.query(PLAIN_SETTINGS);
  const runners: Record<Method, (q: Prepared) => Promise<Answer>> = {
    product: productLookup(embedder.modelId, threshold),
    product_in_transaction: productInTransaction(embedder.modelId, threshold),
    plain: plainLookup(admin, embedder.modelId),
  };

  const results: Record<string, unknown> = {};
  for (const cls of classes) {
    const perKind: Record<string, unknown> = {};
    for (const kind of ["exact", "paraphrase", "miss"] as const) {
      const queries = cls.queries.filter((q) => q.kind === kind);
      const byMethod: Record<string, unknown> = {};
      for (const method of METHODS) {
        console.error(`  ${cls.label} entries, ${kind}, ${method}…`);
        byMethod[method] = await timeEach(queries, runners[method], method !== "plain");
      }
      perKind[kind] = { queries: queries.length, generated: cls.generated[kind], dropped_by_checks: cls.dropped[kind], ...byMethod };
    }
    const semantic = cls.queries.filter((q) => q.kind !== "exact");
    perKind.product_lookups_per_s = await throughput(semantic, runners.product, args.clients, args.duration);
    results[`entries_${cls.label}`] = perKind;
  }
  await admin.end();

  // Recall of the nearest entry: paraphrases whose true nearest (exhaustive search) the
  // product served, and that the plain statement ranked first.
  const recall = Object.fromEntries(
    classes.map((cls) => {
      const p = (results[`entries_${cls.label}`] as Record<string, Record<string, { right: number | null; of: number }>>).paraphrase;
      return [`entries_${cls.label}`, { product: p.product.right !== null && p.product.of ? round(p.product.right / p.product.of, 3) : null, plain: p.plain.right !== null && p.plain.of ? round(p.plain.right / p.plain.of, 3) : null }];
    }),
  );
  const pick = (label: string, kind: QueryKind) => (results[`entries_${label}`] as Record<string, { product: { latency_ms: { p50: number; p99: number } } }> | undefined)?.[kind]?.product.latency_ms;
  const small = pick(`${entries}`, "paraphrase");
  const big = large > 0 ? pick(`${large}`, "paraphrase") : undefined;
  emitResult({
    name: "cache-lookup",
    embedder: embedder.modelId,
    database: db.kind,
    threshold,
    tenants: args.tenants,
    entries_per_tenant: entries,
    large_tenant_entries: large,
    clients_for_throughput: args.clients,
    seed_s: round(seeding.seedMs / 1000),
    index_build_s: round(seeding.indexMs / 1000),
    ...results,
    paraphrase_recall_of_nearest: recall,
    paraphrase_p50_ms: small?.p50 ?? null,
    paraphrase_p99_ms: small?.p99 ?? null,
    paraphrase_p50_ms_large: big?.p50 ?? null,
    targets: TARGETS,
    pass:
      db.kind === "postgres" &&
      (small?.p50 ?? Infinity) <= TARGETS.p50_ms_10k &&
      (small?.p99 ?? Infinity) <= TARGETS.p99_ms_10k &&
      (large === 0 || (big?.p50 ?? Infinity) <= TARGETS.p50_ms_100k),
  });
}

runCli(USAGE, main);
