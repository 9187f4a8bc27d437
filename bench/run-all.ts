/**
 * `npm run bench`: runs every benchmark as its own process (each sets up and cleans up
 * its own database and tenants), with short settings unless --full, and writes
 * bench-results.json, a readable table and bench-report.html.
 *
 *   npm run bench -- [--only a,b] [--skip a,b] [--full] [--build auto|always|never]
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseCommandLine } from "@/eval/lib/args";
import { writeText } from "@/eval/lib/output";
import { lastJsonObject, runScript } from "@/eval/lib/child-result";
import { onCleanup, runCli, wasInterrupted } from "@/eval/lib/lifecycle";
import { readmeFigures, withReadmeFigures } from "@/eval/lib/readme-figures";
import { resultsHtml, resultsText, type BenchResults, type BenchRun } from "@/eval/lib/report";
import { runDatabaseServer } from "@/eval/lib/run-database";
import { buildFlag } from "@/eval/lib/result";
import { ensureProductionBuild } from "@/eval/lib/server";

interface BenchSpec {
  name: string;
  file: string;
  /** Flags that finish in a few minutes on two cores (dropped with --full). */
  quick: string[];
  /** Serves a production build: built once up front, never by the benchmark itself. */
  http?: boolean;
}

const BENCHES: BenchSpec[] = [
  { name: "embedder", file: "bench/embedder.ts", quick: ["--queries", "300", "--documents", "128"] },
  { name: "cache-lookup", file: "bench/cache-lookup.ts", quick: ["--entries", "10000", "--large", "100000", "--queries", "100", "--duration", "3"] },
  { name: "chat-cache-hit", file: "bench/chat-cache-hit.ts", http: true, quick: ["--entries", "2000", "--large", "20000", "--queries", "100", "--duration", "10", "--warmup", "3"] },
  { name: "chat-miss-overhead", file: "bench/chat-miss-overhead.ts", http: true, quick: ["--duration", "10", "--warmup", "3"] },
  { name: "rate-limits", file: "bench/rate-limits.ts", quick: ["--iterations", "200"] },
  { name: "cache-curves", file: "bench/cache-curves.ts", quick: ["--limit", "2000", "--thresholds", "0.7,0.75,0.8,0.85"] },
  { name: "retrieval", file: "bench/retrieval.ts", quick: ["--sizes", "2000", "--other-chunks", "1000", "--queries", "200"] },
  { name: "ingest", file: "bench/ingest.ts", quick: [] },
  { name: "wixqa-recall", file: "bench/wixqa-recall.ts", quick: [] },
  { name: "server-memory", file: "bench/server-memory.ts", http: true, quick: ["--duration", "40", "--warmup", "10"] },
  { name: "ingest-isolation", file: "bench/ingest-isolation.ts", http: true, quick: ["--pages", "2000", "--baseline", "5"] },
  { name: "conversations-load", file: "bench/conversations-load.ts", http: true, quick: ["--conversations", "200", "--duration", "60", "--warmup", "90"] },
];

const USAGE = `Usage: npm run bench -- [options]
  --only a,b       run only these (${BENCHES.map((b) => b.name).join(", ")})
  --skip a,b       run all but these
  --full           each benchmark's own defaults instead of the short settings
  --build MODE     production build: auto (when sources changed), always, never (default auto)
  --timeout MIN    per benchmark (default 20)
  --out FILE       default bench-results.json (the report goes to bench-report.html beside it)
  --readme         rewrite the figures block of README.md from this run
  --from FILE      run nothing: redraw the report (and with --readme the README) from a results file`;

const names = z
  .string()
  .transform((s) => s.split(",").map((n) => n.trim()).filter(Boolean))
  .refine((list) => list.every((n) => BENCHES.some((b) => b.name === n)), { message: `unknown benchmark; known: ${BENCHES.map((b) => b.name).join(", ")}` });

const flags = z.object({
  only: names.optional(),
  skip: names.optional(),
  full: z.boolean().default(false),
  build: buildFlag,
  timeout: z.preprocess((v) => (v === undefined ? v : Number(v)), z.number().positive()).default(20),
  out: z.string().default("bench-results.json"),
  readme: z.boolean().default(false),
  from: z.string().optional(),
});

async function writeOutputs(results: BenchResults, out: string, readme: boolean): Promise<void> {
  const report = path.join(path.dirname(out), "bench-report.html");
  await writeText(out, JSON.stringify(results, null, 2) + "\n");
  await writeText(report, resultsHtml(results));
  console.log(`\n${resultsText(results)}\n\nWrote ${out} and ${report}`);
  if (readme) {
    await writeText("README.md", withReadmeFigures(await readFile("README.md", "utf8"), readmeFigures(results)));
    console.log("Rewrote the figures in README.md");
  }
}

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), flags, ["full", "readme"]);
  if (args.from) {
    const results = JSON.parse(await readFile(args.from, "utf8")) as BenchResults;
    await writeOutputs(results, args.out, args.readme);
    return 0;
  }
  const selected = BENCHES.filter((b) => (!args.only || args.only.includes(b.name)) && !args.skip?.includes(b.name));
  if (selected.some((b) => b.http && existsSync(b.file))) await ensureProductionBuild(args.build);

  const abort = new AbortController();
  onCleanup(async () => abort.abort());
  const startedAt = new Date().toISOString();
  const runs: BenchRun[] = [];
  for (const bench of selected) {
    if (wasInterrupted()) break;
    if (!existsSync(bench.file)) {
      runs.push({ name: bench.name, file: bench.file, status: "missing", exitCode: null, seconds: 0, result: null });
      continue;
    }
    console.error(`\n=== ${bench.name} (${bench.file}) ===`);
    const quick = args.full ? [] : bench.quick;
    const extra = bench.http ? ["--build", "never"] : [];
    const run = await runScript(bench.file, [...quick, ...extra], { timeoutMs: args.timeout * 60_000, signal: abort.signal });
    const result = lastJsonObject(run.stdout);
    const status = run.timedOut ? "timeout" : run.exitCode !== 0 ? "failed" : result ? "ok" : "no-result";
    runs.push({ name: bench.name, file: bench.file, status, exitCode: run.exitCode, seconds: run.seconds, result, ...(result ? {} : { outputTail: run.stdout.split("\n").slice(-40).join("\n") }) });
  }

  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cpus: os.cpus().length,
      loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      database: runDatabaseServer() ? "postgres" : "pglite",
    },
    runs,
  };
  await writeOutputs(results, args.out, args.readme);
  return runs.every((r) => r.status === "ok" || r.status === "missing") ? 0 : 1;
}

runCli(USAGE, main);
