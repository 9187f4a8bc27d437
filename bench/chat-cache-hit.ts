/**
 * Chat throughput and latency over HTTP (POST /chat/stream on a production build) for
 * the three kinds of cache traffic, side by side from one run, then mixed.
 *
 * What it measures: requests per second and time to the answer's first text, as
 * `--clients` concurrent visitors see it (closed loop: each sends its next question when
 * the previous answer has arrived), for four phases of `--duration` seconds each:
 *  - exact: seeded questions asked again (same normalised key, answered without embedding);
 *  - paraphrase: seeded questions reworded so the key changes; their true nearest entry
 *    (exhaustive search) is their source, above the threshold, so they must be answered
 *    through the vector index with that tenant's answer for that question;
 *  - miss: off-topic questions that must not be answered from the cache (each one goes
 *    through the whole agent: retrieval, answer or hand-over);
 *  - mixed (the headline): 40 % exact, 40 % paraphrase, 20 % miss;
 * then, as the machine's own ceiling, the same clients against GET /widget.js (a route
 * that does nothing) and GET /api/health (one transaction, one query).
 * Every reply is checked: right answer, wrong answer (another entry's or another
 * tenant's), missed, false hit. The embedder alone (in this process, same concurrency,
 * one question per call) is measured in the same run: paraphrase throughput is reported
 * as a share of it. With CHAT_SERVER_TIMING=1 the server reports its embedding and
 * database time per request; the rest of the client's time is framework and network.
 *
 * How: `--tenants` tenants with `--entries` human answers each plus one tenant with
 * `--large` entries, in the cache as the product lays it out (a partition and HNSW graph
 * per tenant), embedded by the configured embedder (named in the result; no OpenAI key,
 * so the local default); the load generator runs on the same machine as the server and
 * the database.
 * Targets: exact ≥ 1,000 req/s with p99 ≤ 25 ms; paraphrase ≥ 80 % of the embedder
 * alone, p99 ≤ 50 ms; no wrong answer, no false hit.
 *
 *   npm run bench:chat -- [--tenants 10] [--entries 10000] [--large 100000] [--clients 16] [--duration 15]
 */
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { cacheSettingsFor } from "@/lib/cache/settings";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { seededRandom } from "@/eval/lib/random";
import { round } from "@/eval/lib/stats";
import { planTenantQueries, usedDimensions, VectorSet, type CacheQuery, type QueryKind } from "@/eval/lib/cache-queries";
import { expectedAnswer, seedManyCaches } from "@/eval/lib/cache-seed";
import { createCacheTenants } from "@/eval/lib/cache-tenants";
import { embedderAloneRate } from "@/eval/lib/embedder-rate";
import { runCli } from "@/eval/lib/lifecycle";
import { askStream, openSession, runClosedLoop, type ChatSession, type Sample } from "@/eval/lib/load";
import { buildFlag, emitResult, latencyHistogram, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { NO_CHAT_LIMITS } from "@/eval/lib/no-limits";
import { ensureProductionBuild, startProductionServer } from "@/eval/lib/server";

const USAGE = `Usage: npm run bench:chat -- [options]
  --tenants N      tenants, each with its own cache (default 10)
  --entries N      cached answers per tenant (default 10000 on PostgreSQL, 2000 on embedded PGlite)
  --large N        entries of one more tenant (default 100000 on PostgreSQL, 10000 on PGlite; 0: none)
  --queries N      checked queries of each kind per tenant (default 200)
  --clients N      concurrent visitors (default 16)
  --duration S     measured seconds per phase (default 15), after --warmup S (default 3)
  --build MODE     auto (rebuild when sources changed), always or never (default auto)`;

const flags = z.object({
  tenants: numberFlag({ int: true, min: 1, max: 100 }).default(10),
  entries: numberFlag({ int: true, min: 10, max: 200_000 }).optional(),
  large: numberFlag({ int: true, min: 0, max: 200_000 }).optional(),
  queries: numberFlag({ int: true, min: 5, max: 5_000 }).default(200),
  clients: numberFlag({ int: true, min: 1, max: 1000 }).default(16),
  duration: numberFlag({ min: 1 }).default(15),
  warmup: numberFlag({ min: 0 }).default(3),
  build: buildFlag,
});

const TARGETS = { exact_per_s: 1000, exact_p99_ms: 25, paraphrase_share_of_embedder: 0.8, paraphrase_p99_ms: 50 };
const MIX: Array<[QueryKind, number]> = [["exact", 0.4], ["paraphrase", 0.4], ["miss", 0.2]];

interface Tenant {
  id: string;
  index: number;
  entries: number;
  widgetKey: string;
  queries: Record<QueryKind, CacheQuery[]>;
}

interface Client {
  tenant: Tenant;
  session: ChatSession;
  next: number;
}

type Outcome = "right" | "wrong" | "missed" | "false_hit" | "error";
interface KindSample extends Sample {
  query: QueryKind;
  outcome: Outcome;
  large: boolean;
}

function outcomeOf(kind: QueryKind, sample: Omit<Sample, "startedAt">): Outcome {
  if (sample.kind === "error") return "error";
  if (kind === "miss") return sample.kind === "hit" || sample.kind === "wrong" ? "false_hit" : "right";
  return sample.kind === "hit" ? "right" : sample.kind === "wrong" ? "wrong" : "missed";
}

const p50 = (values: number[]) => latencyJson(values).p50;

/** One GET, read to the end, timed like a chat request (an error is a sample too). */
async function timedGet(url: string): Promise<Omit<Sample, "startedAt">> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  const totalMs = performance.now() - started;
  return { ttfbMs: totalMs, firstTextMs: totalMs, totalMs, kind: response.ok ? "hit" : "error" };
}

function summarizeGets(samples: Sample[], windowMs: number) {
  return {
    requests: samples.length,
    per_s: round(samples.length / (windowMs / 1000)),
    errors: samples.filter((s) => s.kind === "error").length,
    latency_ms: latencyJson(samples.map((s) => s.totalMs)),
  };
}

/** Throughput, latency, correctness and the server's account of its time for some samples. */
function summarizePhase(samples: KindSample[], windowMs: number) {
  const count = (o: Outcome) => samples.filter((s) => s.outcome === o).length;
  const firstText = samples.filter((s) => s.outcome === "right").map((s) => s.firstTextMs ?? s.totalMs);
  const timed = samples.filter((s) => s.serverTiming);
  return {
    requests: samples.length,
    per_s: round(samples.length / (windowMs / 1000)),
    right: count("right"),
    wrong: count("wrong"),
    missed: count("missed"),
    false_hits: count("false_hit"),
    errors: count("error"),
    first_text_ms: latencyJson(firstText),
    // Where the time goes (medians): server embedding, server database, and the rest.
    time_split_p50_ms: {
      embed: p50(timed.map((s) => s.serverTiming!.embedMs)),
      db: p50(timed.map((s) => s.serverTiming!.dbMs)),
      framework_and_network: p50(timed.map((s) => s.totalMs - s.serverTiming!.embedMs - s.serverTiming!.dbMs)),
    },
  };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  delete process.env.OPENAI_API_KEY; // the default local embedder, here and in the server
  delete process.env.OPENAI_BASE_URL;
  await ensureProductionBuild(args.build);
  const db = await startRunDatabase("bench", { separateProcess: true });
  const embedder = getEmbedder();
  const threshold = cacheSettingsFor({}, embedder.modelId).similarityThreshold;

  const created = await createCacheTenants(db, args, "Cache bench");
  const { entries, large } = created;
  const tenants: Tenant[] = created.tenants.map((t) => ({ ...t, queries: { exact: [], paraphrase: [], miss: [] } }));
  console.error(`Seeding ${args.tenants} × ${entries}${large ? ` + 1 × ${large}` : ""} cache entries (${embedder.modelId}, ${db.kind})…`);
  const sets = new Map<number, { questions: string[]; vectors: VectorSet }>();
  const seeded = await seedManyCaches(tenants, {
    adminUrl: db.adminUrl,
    log: (m) => console.error(m),
    onSeeded: (index, questions, vectors) => sets.set(index, { questions, vectors: new VectorSet(vectors, usedDimensions(vectors)) }),
  });
  console.error("Planning checked queries…");
  const dropped = { exact: 0, paraphrase: 0, miss: 0 };
  for (const tenant of tenants) {
    const data = sets.get(tenant.index)!;
    const plan = await planTenantQueries({ ...data, embed: (t) => embedder.embed(t), threshold, perKind: args.queries, seed: 500 + tenant.index });
    for (const q of plan.queries) tenant.queries[q.kind].push(q);
    for (const kind of ["exact", "paraphrase", "miss"] as const) dropped[kind] += plan.dropped[kind];
    sets.delete(tenant.index);
  }

  console.error("Measuring the embedder alone…");
  const paraphrases = tenants.flatMap((t) => t.queries.paraphrase.map((q) => q.text));
  const alone = await embedderAloneRate(paraphrases, args.clients, Math.min(10, args.duration));

  const server = await startProductionServer("chat-cache-hit", { ...db.env, CHAT_RATE_LIMIT_PER_MINUTE: "0", ...NO_CHAT_LIMITS, CHAT_SERVER_TIMING: "1" });
  const clients: Client[] = [];
  for (let c = 0; c < args.clients; c++) {
    const tenant = tenants[c % tenants.length];
    clients.push({ tenant, session: await openSession(server.url, tenant.widgetKey), next: c });
  }
  const random = seededRandom(7);
  const ask = async (client: Client, kind: QueryKind): Promise<Omit<KindSample, "startedAt">> => {
    const list = client.tenant.queries[kind];
    const query = list[client.next++ % list.length];
    // A miss hands the conversation to a human: it gets a conversation of its own, so the
    // client's next questions still reach the bot (opening it is not timed).
    const session = kind === "miss" ? await openSession(server.url, client.tenant.widgetKey) : client.session;
    const expected = query.expected === null ? undefined : expectedAnswer(client.tenant.index, query.expected);
    const sample = await askStream(server.url, session, query.text, expected);
    if (kind !== "miss" && sample.kind === "escalated") client.session = await openSession(server.url, client.tenant.widgetKey);
    return { ...sample, query: kind, outcome: outcomeOf(kind, sample), large: large > 0 && client.tenant.index === args.tenants };
  };
  const phase = async (label: string, pick: () => QueryKind) => {
    console.error(`Phase ${label}: ${args.clients} clients for ${args.duration} s (+${args.warmup} s warm-up)…`);
    const load = await runClosedLoop({ clients, warmupMs: args.warmup * 1000, durationMs: args.duration * 1000, request: (client) => ask(client, pick()) });
    return { samples: load.samples as KindSample[], windowMs: load.windowMs };
  };
  const mixPick = () => {
    let r = random();
    for (const [kind, share] of MIX) if ((r -= share) < 0) return kind;
    return "miss" as const;
  };

  const phases: Record<string, { samples: KindSample[]; windowMs: number }> = {};
  for (const kind of ["exact", "paraphrase", "miss"] as const) phases[kind] = await phase(kind, () => kind);
  phases.mixed = await phase("mixed 40/40/20", mixPick);
  // The ceiling this machine sets before any of the product's work: the same clients and
  // HTTP client against a route that does nothing (GET /widget.js: Next.js, HTTP and the
  // load generator) and one that runs one transaction with one query (GET /api/health).
  const floors: Record<string, ReturnType<typeof summarizeGets>> = {};
  for (const [label, route] of [["static_route", "/widget.js"], ["health_one_query", "/api/health"]] as const) {
    console.error(`Floor ${route}: ${args.clients} clients for ${args.duration} s (+${args.warmup} s warm-up)…`);
    const load = await runClosedLoop({ clients, warmupMs: args.warmup * 1000, durationMs: args.duration * 1000, request: () => timedGet(`${server.url}${route}`) });
    floors[label] = summarizeGets(load.samples, load.windowMs);
  }
  await server.stop();

  const exact = summarizePhase(phases.exact.samples, phases.exact.windowMs);
  const paraphrase = summarizePhase(phases.paraphrase.samples, phases.paraphrase.windowMs);
  const miss = summarizePhase(phases.miss.samples, phases.miss.windowMs);
  const mixedSamples = phases.mixed.samples;
  const mixed = {
    ...summarizePhase(mixedSamples, phases.mixed.windowMs),
    by_kind: Object.fromEntries(MIX.map(([kind]) => [kind, summarizePhase(mixedSamples.filter((s) => s.query === kind), phases.mixed.windowMs)])),
  };
  const largeParaphrase = summarizePhase(phases.paraphrase.samples.filter((s) => s.large), phases.paraphrase.windowMs);
  const share = alone.per_s > 0 ? round((paraphrase.per_s ?? 0) / alone.per_s, 3) : null;
  const wrong = [exact, paraphrase, miss, mixed].reduce((n, p) => n + p.wrong + p.false_hits, 0);
  emitResult({
    name: "chat-cache-hit",
    embedder: embedder.modelId,
    database: db.kind,
    threshold,
    tenants: args.tenants,
    entries_per_tenant: entries,
    large_tenant_entries: large,
    clients: args.clients,
    phase_s: args.duration,
    queries_dropped_by_checks: dropped,
    embedder_alone: alone,
    exact,
    paraphrase: { ...paraphrase, share_of_embedder_alone: share },
    paraphrase_large_tenant: largeParaphrase,
    framework_floors: floors,
    miss,
    mixed,
    exact_first_text_histogram: latencyHistogram(phases.exact.samples.map((s) => s.firstTextMs ?? s.totalMs)),
    mixed_first_text_histogram: latencyHistogram(mixedSamples.map((s) => s.firstTextMs ?? s.totalMs)),
    seed_s: round(seeded.seedMs / 1000),
    index_build_s: round(seeded.indexMs / 1000),
    targets: TARGETS,
    pass:
      (exact.per_s ?? 0) >= TARGETS.exact_per_s &&
      (exact.first_text_ms.p99 ?? Infinity) <= TARGETS.exact_p99_ms &&
      (share ?? 0) >= TARGETS.paraphrase_share_of_embedder &&
      (paraphrase.first_text_ms.p99 ?? Infinity) <= TARGETS.paraphrase_p99_ms &&
      wrong === 0,
  });
}

runCli(USAGE, main);
