/**
 * Cost of the abuse limits on every question: one atomic consume of the three question
 * limits (conversation, address, tenant) in PostgreSQL, alone and with 20 callers of one
 * tenant at once (its counter row is shared: the worst case for contention).
 *
 *   npm run bench:limits -- [--iterations 500]     # embedded PGlite
 *   TEST_ADMIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:limits
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { runCli } from "@/eval/lib/lifecycle";

const USAGE = `Usage: npm run bench:limits -- [options]
  --iterations N   consumes timed one after another, and again spread over 20 callers (default 500)`;

const flags = z.object({
  iterations: numberFlag({ int: true, min: 20, max: 1_000_000 }).default(500),
});

const CONCURRENCY = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const { iterations } = parseCommandLine(process.argv.slice(2), flags);
  // Limits high enough never to refuse: the cost of counting is what is measured.
  Object.assign(process.env, {
    CHAT_RATE_LIMIT_PER_MINUTE: "1000000",
    CHAT_QUESTIONS_PER_MINUTE_PER_IP: "1000000",
    CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: "1000000",
  });
  const { default: setupDatabase } = await import("../tests/support/global-setup");
  const teardown = await setupDatabase();
  const { enforceLimits } = await import("../lib/limits");
  const { questionRules } = await import("../lib/limits/chat-rules");
  const { closePool } = await import("../lib/db/pool");
  const tenantId = randomUUID();
  const consume = () => enforceLimits(questionRules({ tenantId, conversationId: randomUUID(), ip: `10.0.${Math.floor(Math.random() * 255)}.1` }));

  for (let i = 0; i < 50; i++) await consume();
  const serial: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await consume();
    serial.push(performance.now() - started);
  }
  const concurrent: number[] = [];
  const wallStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < iterations / CONCURRENCY; i++) {
        const started = performance.now();
        await consume();
        concurrent.push(performance.now() - started);
      }
    }),
  );
  const wall = performance.now() - wallStarted;
  serial.sort((a, b) => a - b);
  concurrent.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify(
      {
        database: process.env.TEST_DATABASE_KIND,
        iterations,
        serial_p50_ms: round(percentile(serial, 50)),
        serial_p99_ms: round(percentile(serial, 99)),
        [`concurrent${CONCURRENCY}_p50_ms`]: round(percentile(concurrent, 50)),
        [`concurrent${CONCURRENCY}_p99_ms`]: round(percentile(concurrent, 99)),
        concurrent_per_second: Math.round((concurrent.length / wall) * 1000),
      },
      null,
      2,
    ),
  );
  await closePool();
  await (await import("../lib/db/tenant")).closeServicePool();
  await teardown();
}

runCli(USAGE, main);
