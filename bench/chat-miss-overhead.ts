/**
 * The cache-miss path of POST /chat/stream over HTTP on a production build, like the hit
 * benchmark, in two phases from one run:
 *  - answered: the question misses the cache, is retrieved, graded, answered and assessed
 *    confident (score 0.95): the answer is stored, cached and streamed;
 *  - escalated: the same, but the model scores its answer low (0.2): the draft (streamed
 *    when the evidence gate passes, the default delivery, else held) is marked unconfirmed,
 *    a ticket is opened, the hand-over message is streamed and the graph pauses (checkpoint).
 *
 * What it measures: time to the first text the visitor sees (the answer, or the hand-over
 * message) and to the end of the stream, and requests per second with `--clients`
 * concurrent visitors (closed loop), each question one the knowledge base covers made
 * unique (the tenant's cache threshold is 1: never a cache hit), in a conversation of its
 * own (opening it is not timed). The model is a loopback
 * OpenAI-compatible mock (eval/lib/mock-openai.ts) that answers at once, reached through
 * OPENAI_BASE_URL as Ollama or vLLM would be: model time is excluded, every other part of
 * the path (validation, storing the question, embedding, cache lookup, hybrid retrieval,
 * the graph and its checkpoint, ticket, outbox, streaming) is in. Its embeddings are the
 * offline embedder's vectors served over HTTP (a remote embedder's path: the cache is
 * checked once the embedding arrives). With CHAT_SERVER_TIMING=1 the server reports the
 * embedding and cache-lookup database time. Target: answered p50 < 30 ms at one client.
 *
 *   npm run bench:chat-miss -- [--clients 4] [--duration 15] [--warmup 3]
 */
import path from "node:path";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { ingestKb } from "@/eval/lib/ingest-kb";
import { loadKb } from "@/eval/lib/kb";
import { round } from "@/eval/lib/stats";
import { runCli } from "@/eval/lib/lifecycle";
import { askStream, openSession, runClosedLoop, type Sample } from "@/eval/lib/load";
import { startMockOpenAi } from "@/eval/lib/mock-openai";
import { buildFlag, emitResult, latencyHistogram, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { NO_CHAT_LIMITS } from "@/eval/lib/no-limits";
import { ensureProductionBuild, startProductionServer } from "@/eval/lib/server";
import { createRunTenant } from "@/eval/lib/tenants";

const USAGE = `Usage: npm run bench:chat-miss -- [options]
  --clients N      concurrent visitors (default 4)
  --duration S     measured seconds per phase (default 15), after --warmup S (default 3)
  --build MODE     auto (rebuild when sources changed), always or never (default auto)`;

const flags = z.object({
  clients: numberFlag({ int: true, min: 1, max: 200 }).default(4),
  duration: numberFlag({ min: 1 }).default(15),
  warmup: numberFlag({ min: 0 }).default(3),
  build: buildFlag,
});

const KB_DIR = path.resolve(import.meta.dirname, "../lib/tenants/demo-kb/acme");
const TARGET_ANSWERED_P50_MS = 30;

// Questions the knowledge base answers (its own headings, reworded), each made unique by a
// reference number; the tenant's cache threshold of 1 keeps every one a miss.
const COVERED = [
  "How can I reset my password", "How can I enable two-factor authentication", "How can I add a team member",
  "When will I be billed", "Which payment methods are accepted", "How can I download an invoice",
  "How do refunds work for my account", "What is the uptime commitment", "How can I resize a server",
  "Which regions are available for servers",
];
let asked = 0;

function uniqueQuestion(): string {
  asked++;
  return `${COVERED[asked % COVERED.length]}? (ticket ref ${asked})`;
}

function summarize(samples: Sample[], windowMs: number, expected: Sample["kind"]) {
  const ok = samples.filter((s) => s.kind === expected);
  const timed = ok.filter((s) => s.serverTiming);
  const p50 = (values: number[]) => latencyJson(values).p50;
  return {
    requests: samples.length,
    per_s: round(samples.length / (windowMs / 1000)),
    as_expected: ok.length,
    other: Object.fromEntries(["hit", "wrong", "miss", "escalated", "error"].filter((k) => k !== expected).map((k) => [k, samples.filter((s) => s.kind === k).length])),
    first_text_ms: latencyJson(ok.map((s) => s.firstTextMs ?? s.totalMs)),
    total_ms: latencyJson(ok.map((s) => s.totalMs)),
    first_text_histogram: latencyHistogram(ok.map((s) => s.firstTextMs ?? s.totalMs)),
    // Medians: embedding and cache database time the server reports; the rest is the graph
    // (retrieval, model calls to the instant mock, checkpoint, ticket), framework and network.
    time_split_p50_ms: {
      embed: p50(timed.map((s) => s.serverTiming!.embedMs)),
      cache_db: p50(timed.map((s) => s.serverTiming!.dbMs)),
      graph_framework_network: p50(timed.map((s) => s.totalMs - s.serverTiming!.embedMs - s.serverTiming!.dbMs)),
    },
  };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  await ensureProductionBuild(args.build);
  const model = await startMockOpenAi(0.95);
  // This process ingests the knowledge base with the same (mock-served) embedder as the server.
  delete process.env.OPENAI_API_KEY;
  process.env.OPENAI_BASE_URL = model.url;
  const db = await startRunDatabase("bench", { separateProcess: true });
  const tenant = await createRunTenant("bench", { name: "Miss bench", settings: { cache_similarity_threshold: 1 } });
  await ingestKb(tenant.id, (await loadKb(KB_DIR, "fail")).docs, { runJobs: true });
  const server = await startProductionServer("chat-miss", { ...db.env, CHAT_RATE_LIMIT_PER_MINUTE: "0", ...NO_CHAT_LIMITS, CHAT_SERVER_TIMING: "1" }, { OPENAI_BASE_URL: model.url });

  const phase = async (score: number) => {
    model.score = score;
    console.error(`Phase score ${score}: ${args.clients} clients for ${args.duration} s (+${args.warmup} s warm-up)…`);
    const clients = Array.from({ length: args.clients }, (_, i) => i);
    return runClosedLoop({
      clients,
      warmupMs: args.warmup * 1000,
      durationMs: args.duration * 1000,
      request: async () => askStream(server.url, await openSession(server.url, tenant.widgetKey), uniqueQuestion()),
    });
  };
  const answeredRun = await phase(0.95);
  const escalatedRun = await phase(0.2);
  await server.stop();
  const answered = summarize(answeredRun.samples, answeredRun.windowMs, "miss");
  const escalated = summarize(escalatedRun.samples, escalatedRun.windowMs, "escalated");
  emitResult({
    name: "chat-miss-overhead",
    database: db.kind,
    model: "loopback OpenAI-compatible mock (instant)",
    embedder: "offline-hash-v1 vectors served over HTTP by the mock",
    clients: args.clients,
    phase_s: args.duration,
    answered,
    escalated,
    target_answered_first_text_p50_ms: TARGET_ANSWERED_P50_MS,
    pass: (answered.first_text_ms.p50 ?? Infinity) < TARGET_ANSWERED_P50_MS && answered.other.hit === 0 && answered.other.error === 0 && escalated.as_expected === escalated.requests,
  });
}

runCli(USAGE, main);
