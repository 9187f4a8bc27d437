/**
 * Overhead of the cache-miss path of POST /chat/stream, model time excluded: a mock model
 * answers instantly, so what is measured is everything else (validation, storing the
 * question, embedding, cache lookup, hybrid retrieval, the graph and its Postgres
 * checkpoints, storing and caching the answer, streaming). Target: p50 < 30 ms.
 *
 *   npm run bench:chat-miss                       # embedded PGlite
 *   TEST_ADMIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:chat-miss
 */
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { NO_CHAT_LIMITS } from "./lib/no-limits";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

// Random questions from a large vocabulary: distinct enough that none is a cache hit.
const WORDS = (
  "account invoice billing seat license export import project task comment webhook token api key domain " +
  "calendar reminder notification mobile desktop browser extension printer scanner camera microphone speaker " +
  "language timezone currency discount coupon voucher gift referral partner reseller contract signature " +
  "archive backup restore migration upgrade downgrade trial onboarding workshop webinar certificate badge " +
  "folder template theme widget dashboard report chart filter column formula macro plugin integration sync"
).split(" ");

function randomQuestion(): string {
  const picked = new Set<string>();
  while (picked.size < 4) picked.add(WORDS[randomInt(WORDS.length)]);
  return `How do ${[...picked].join(" ")} work together?`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  // One conversation asks hundreds of questions here: measure the path, not the limiter.
  process.env.CHAT_RATE_LIMIT_PER_MINUTE = "0";
  Object.assign(process.env, NO_CHAT_LIMITS);
  const { default: setupDatabase } = await import("../tests/support/global-setup");
  const teardown = await setupDatabase();
  const { POST: chatStream } = await import("../app/chat/stream/route");
  const { POST: session } = await import("../app/chat/session/route");
  const { setChatModelForTests } = await import("../lib/ai/providers");
  const { closePool } = await import("../lib/db/pool");
  const { createTestTenant } = await import("../tests/support/fixtures");
  const { seedKnowledgeBase } = await import("../tests/support/knowledge-base");
  const { mockChatModel } = await import("../tests/support/mock-chat-model");

  const tenant = await createTestTenant("bench");
  await seedKnowledgeBase(tenant);
  setChatModelForTests(mockChatModel({ relevant: "all", answer: "Instant answer [1].", score: 1 }));
  const post = (path: string, body: unknown) =>
    new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const { token } = (await (await session(post("/chat/session", { widgetKey: tenant.widgetKey }))).json()) as { token: string };

  const timings: number[] = [];
  const cpu: number[] = [];
  let cacheHits = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const response = await chatStream(post("/chat/stream", { token, message: randomQuestion() }));
    const body = await response.text();
    const elapsed = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpuStarted);
    if (response.status !== 200 || !body.includes('"status":"resolved"')) throw new Error(`unexpected response: ${body.slice(0, 300)}`);
    if (body.includes('"fromCache":true')) {
      cacheHits++;
      continue;
    }
    if (i >= WARMUP) {
      timings.push(elapsed);
      cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    }
  }
  timings.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify(
      {
        database: process.env.TEST_DATABASE_KIND,
        iterations: timings.length,
        cacheHitsExcluded: cacheHits,
        p50_ms: round(percentile(timings, 50)),
        p90_ms: round(percentile(timings, 90)),
        p99_ms: round(percentile(timings, 99)),
        // This process's CPU per request: less sensitive than wall time to a busy machine.
        app_cpu_p50_ms: round(percentile(cpu, 50)),
        target_p50_ms: 30,
      },
      null,
      2,
    ),
  );
  await closePool();
  // Provisioning went through the admin pool (withService); its idle connections must
  // go before the throwaway database is dropped.
  await (await import("../lib/db/tenant")).closeServicePool();
  await teardown();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
