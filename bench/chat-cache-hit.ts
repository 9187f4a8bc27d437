/**
 * Cache-hit chat throughput and latency through POST /chat/stream on a production build:
 * `--tenants` tenants with `--entries` cached answers each (written through the cache
 * adapter with the offline embedder), `--clients` concurrent visitors asking cached
 * questions of their tenant for `--duration` seconds. Every reply is checked to be the
 * asking tenant's own cached answer. Targets: ≥ 300 hits/s, p99 time to the answer < 100 ms.
 *
 *   npm run bench:chat -- [--tenants 10] [--entries 10000] [--clients 16] [--duration 20]
 */
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { seededRandom } from "@/eval/lib/random";
import { expectedAnswer, seedManyCaches, syntheticQuestions } from "./lib/cache-seed";
import { runCli } from "./lib/lifecycle";
import { askStream, openSession, runClosedLoop } from "./lib/load";
import { buildFlag, emitResult, latencyHistogram, latencyJson } from "./lib/result";
import { startRunDatabase } from "./lib/run-database";
import { NO_CHAT_LIMITS } from "./lib/no-limits";
import { ensureProductionBuild, startProductionServer } from "./lib/server";
import { createRunTenant } from "./lib/tenants";

const USAGE = `Usage: npm run bench:chat -- [options]
  --tenants N      tenants, each with its own cache (default 10)
  --entries N      cached answers per tenant (default 10000 on PostgreSQL, 2000 on embedded PGlite)
  --clients N      concurrent visitors (default 16)
  --duration S     measured seconds (default 20), after --warmup S (default 5)
  --build MODE     auto (rebuild when sources changed), always or never (default auto)`;

const flags = z.object({
  tenants: numberFlag({ int: true, min: 1, max: 100 }).default(10),
  entries: numberFlag({ int: true, min: 1, max: 100_000 }).optional(),
  clients: numberFlag({ int: true, min: 1, max: 1000 }).default(16),
  duration: numberFlag({ min: 1 }).default(20),
  warmup: numberFlag({ min: 0 }).default(5),
  build: buildFlag,
});

const TARGET_HITS_PER_S = 300;
const TARGET_P99_MS = 100;

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  delete process.env.OPENAI_API_KEY; // the offline embedder, here and in the server
  delete process.env.OPENAI_BASE_URL;
  await ensureProductionBuild(args.build);
  const db = await startRunDatabase("bench", { separateProcess: true });
  const entries = args.entries ?? (db.kind === "postgres" ? 10_000 : 2_000);
  const tenants = [];
  for (let i = 0; i < args.tenants; i++) tenants.push({ ...(await createRunTenant("bench", { name: `Cache bench ${i + 1}` })), index: i });
  console.error(`Seeding ${args.tenants} × ${entries} cache entries (${db.kind})…`);
  const seeded = await seedManyCaches(tenants, entries, { adminUrl: db.adminUrl, concurrency: db.kind === "postgres" ? 4 : 1, log: (m) => console.error(m) });

  const server = await startProductionServer("chat-cache-hit", { ...db.env, CHAT_RATE_LIMIT_PER_MINUTE: "0", ...NO_CHAT_LIMITS });
  const random = seededRandom(7);
  const clients = [];
  for (let c = 0; c < args.clients; c++) {
    const tenant = tenants[c % tenants.length];
    clients.push({ tenant, session: await openSession(server.url, tenant.widgetKey), questions: syntheticQuestions(entries, tenant.index + 1) });
  }
  console.error(`Load: ${args.clients} clients for ${args.duration} s (+${args.warmup} s warm-up) on ${server.url}…`);
  const load = await runClosedLoop({
    clients,
    warmupMs: args.warmup * 1000,
    durationMs: args.duration * 1000,
    request: (client) => {
      const i = Math.floor(random() * client.questions.length);
      return askStream(server.url, client.session, client.questions[i], expectedAnswer(client.tenant.index, i));
    },
  });

  const hits = load.samples.filter((s) => s.kind === "hit");
  const count = (kind: string) => load.samples.filter((s) => s.kind === kind).length;
  const hitsPerS = hits.length / (load.windowMs / 1000);
  const firstText = latencyJson(hits.map((s) => s.firstTextMs ?? s.totalMs));
  emitResult({
    name: "chat-cache-hit",
    database: db.kind,
    tenants: args.tenants,
    entries_per_tenant: entries,
    clients: args.clients,
    duration_s: Math.round(load.windowMs / 100) / 10,
    requests: load.samples.length,
    hits: hits.length,
    wrong_answers: count("wrong"),
    misses: count("miss") + count("escalated"),
    errors: count("error"),
    hits_per_s: Math.round(hitsPerS * 10) / 10,
    first_text_ms: firstText,
    first_text_histogram: latencyHistogram(hits.map((s) => s.firstTextMs ?? s.totalMs)),
    ttfb_ms: latencyJson(hits.flatMap((s) => (s.ttfbMs === null ? [] : [s.ttfbMs]))),
    total_ms: latencyJson(hits.map((s) => s.totalMs)),
    seed_s: Math.round(seeded.seedMs / 100) / 10,
    index_build_s: Math.round(seeded.indexMs / 100) / 10,
    targets: { hits_per_s: TARGET_HITS_PER_S, first_text_p99_ms: TARGET_P99_MS },
    pass: hitsPerS >= TARGET_HITS_PER_S && (firstText.p99 ?? Infinity) < TARGET_P99_MS && count("wrong") === 0,
  });
}

runCli(USAGE, main);
