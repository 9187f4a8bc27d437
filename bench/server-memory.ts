/**
 * Resident memory (RSS of the `next start` process tree) under sustained chat load on a
 * production build: a mix of cache hits and fresh questions (retrieval over a small
 * knowledge base, the offline answerer, escalations), sampled every second. A leak shows
 * as growth that goes on in the second half of the run.
 *
 *   npm run bench:memory -- [--duration 60] [--clients 8] [--miss-ratio 0.2]
 */
import path from "node:path";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { ingestKb } from "@/eval/lib/ingest-kb";
import { loadKb } from "@/eval/lib/kb";
import { seededRandom } from "@/eval/lib/random";
import { linearSlope, round } from "@/eval/lib/stats";
import { expectedAnswer, seedManyCaches, syntheticQuestions } from "@/eval/lib/cache-seed";
import { runCli, wasInterrupted } from "@/eval/lib/lifecycle";
import { askStream, openSession, runClosedLoop } from "@/eval/lib/load";
import { treeRssMb } from "@/eval/lib/process-memory";
import { buildFlag, emitResult, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { NO_CHAT_LIMITS } from "@/eval/lib/no-limits";
import { ensureProductionBuild, startProductionServer } from "@/eval/lib/server";
import { createRunTenant } from "@/eval/lib/tenants";

const USAGE = `Usage: npm run bench:memory -- [options]
  --duration S      measured seconds of load (default 60), after --warmup S (default 10)
  --clients N       concurrent visitors (default 8)
  --miss-ratio R    share of questions that are not cached (default 0.2)
  --entries N       cached answers (default 1000)
  --build MODE      auto, always or never (default auto)`;

const flags = z.object({
  duration: numberFlag({ min: 1 }).default(60),
  warmup: numberFlag({ min: 0 }).default(10),
  clients: numberFlag({ int: true, min: 1, max: 500 }).default(8),
  "miss-ratio": numberFlag({ min: 0, max: 1 }).default(0.2),
  entries: numberFlag({ int: true, min: 1, max: 100_000 }).default(1000),
  build: buildFlag,
});

const KB_DIR = path.resolve(import.meta.dirname, "../lib/tenants/demo-kb/acme");

function sampleRss(pid: number, every: number, into: Array<[number, number]>, start: number): () => void {
  const timer = setInterval(() => {
    const rss = treeRssMb(pid);
    if (rss !== null) into.push([(performance.now() - start) / 1000, rss]);
  }, every);
  return () => clearInterval(timer);
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  if (process.platform !== "linux") throw new Error("bench:memory reads /proc and runs on Linux only.");
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  await ensureProductionBuild(args.build);
  const db = await startRunDatabase("bench", { separateProcess: true });
  const tenant = { ...(await createRunTenant("bench", { name: "Memory bench" })), index: 0 };
  await ingestKb(tenant.id, (await loadKb(KB_DIR, "fail")).docs, { runJobs: true });
  await seedManyCaches([{ ...tenant, entries: args.entries }], { adminUrl: db.adminUrl, log: (m) => console.error(m) });

  const server = await startProductionServer("server-memory", { ...db.env, CHAT_RATE_LIMIT_PER_MINUTE: "0", ...NO_CHAT_LIMITS });
  const idleMb = treeRssMb(server.pid);
  const cached = syntheticQuestions(args.entries, 1);
  const random = seededRandom(11);
  const clients = await Promise.all(Array.from({ length: args.clients }, () => openSession(server.url, tenant.widgetKey)));
  const samples: Array<[number, number]> = [];
  const start = performance.now();
  const stopSampling = sampleRss(server.pid, 1000, samples, start);
  console.error(`Load: ${args.clients} clients, ${args["miss-ratio"] * 100}% fresh questions, ${args.duration} s (+${args.warmup} s warm-up)…`);
  let fresh = 0;
  const load = await runClosedLoop({
    clients,
    warmupMs: args.warmup * 1000,
    durationMs: args.duration * 1000,
    request: (session) => {
      if (random() < args["miss-ratio"]) return askStream(server.url, session, `${syntheticQuestions(1, 100_000 + fresh++)[0]} (ref ${fresh})`);
      const i = Math.floor(random() * cached.length);
      return askStream(server.url, session, cached[i], expectedAnswer(0, i));
    },
  });
  stopSampling();
  if (wasInterrupted()) return;

  const measured = samples.filter(([t]) => t >= args.warmup);
  const rss = measured.map(([, mb]) => mb);
  // Caches and JIT fill up early; a leak is what still grows in the second half.
  const slope = linearSlope(measured.slice(Math.floor(measured.length / 2)));
  const count = (kind: string) => load.samples.filter((s) => s.kind === kind).length;
  emitResult({
    name: "server-memory",
    database: db.kind,
    clients: args.clients,
    duration_s: Math.round(load.windowMs / 100) / 10,
    requests: load.samples.length,
    requests_per_s: round(load.samples.length / (load.windowMs / 1000)),
    hits: count("hit"),
    answered_fresh: count("miss"),
    escalated: count("escalated"),
    errors: count("error") + count("wrong"),
    latency_ms: latencyJson(load.samples.map((s) => s.totalMs)),
    rss_idle_mb: round(idleMb),
    rss_after_warmup_mb: round(rss[0] ?? null),
    rss_peak_mb: round(rss.length ? Math.max(...rss) : null),
    rss_end_mb: round(rss[rss.length - 1] ?? null),
    rss_growth_second_half_mb_per_min: slope === null ? null : round(slope * 60, 2),
    rss_samples: samples.map(([t, mb]) => [round(t), round(mb)]),
  });
}

runCli(USAGE, main);
