/**
 * The semantic cache's quality as traffic accrues: eval:cache's replay protocol
 * (eval/lib/cache-replay.ts) on banking77 as a benchmark result, so `npm run bench` has
 * the curves. Queries arrive in seeded random order into empty caches of `--tenants`
 * tenants; a miss is answered (its label) and written, a hit is checked against the
 * label. Per threshold: overall hit rate and wrong hits per query, and both as curves
 * over the queries replayed. The configured embedder (named) and the product's lookup.
 *
 *   npm run bench:cache-curves -- [--limit 3000] [--thresholds 0.7,0.75,0.8,0.85] [--tenants 2]
 */
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { numberFlag, parseCommandLine, thresholdListSchema } from "@/eval/lib/args";
import { runReplay } from "@/eval/lib/cache-replay";
import { parseCsv } from "@/eval/lib/csv";
import { BANKING77_CSV } from "@/eval/lib/datasets";
import { readTextFile } from "@/eval/lib/input";
import { round } from "@/eval/lib/stats";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { createRunTenant } from "@/eval/lib/tenants";

const USAGE = `Usage: npm run bench:cache-curves -- [options]
  --limit N        queries replayed per threshold (default 3000)
  --thresholds a,b similarity thresholds (default 0.7,0.75,0.8,0.85,0.9)
  --tenants N      tenants the labels are dealt to (default 2)
  --seed N         order of the queries and the dealing (default 1)
  --banking77 FILE the data (default ../shared/eval/banking77-train.csv beside the repository)`;

const flags = z.object({
  limit: numberFlag({ int: true, min: 10 }).default(3000),
  thresholds: thresholdListSchema.default([0.7, 0.75, 0.8, 0.85, 0.9]),
  tenants: numberFlag({ int: true, min: 1, max: 20 }).default(2),
  seed: numberFlag({ int: true }).default(1),
  banking77: z.string().default(BANKING77_CSV),
});

async function main(): Promise<void> {
  const { banking77: file, ...args } = parseCommandLine(process.argv.slice(2), flags);
  const table = parseCsv(await readTextFile(file, "CSV file"), { file, onError: "skip", required: ["text", "category"] });
  const rows = table.rows.map((r) => ({ text: r.value.text, label: r.value.category, line: r.line }));
  const db = await startRunDatabase("bench");
  const embedder = getEmbedder();
  const results = await runReplay(rows, {
    embedder,
    newTenants: async (count, threshold) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await createRunTenant("bench", { name: `Replay ${threshold} ${i + 1}` })).id);
      return ids;
    },
  }, { ...args, onProgress: (t, done, total) => done % 1000 === 0 && console.error(`  threshold ${t}: ${done}/${total}`) });
  const curve = (key: "hitRate" | "wrongHitRate") =>
    Object.fromEntries(results.map((r) => [r.threshold.toFixed(2), r.curve.map((p) => [p.queries, round(p[key], 4) ?? 0])]));
  emitResult({
    name: "cache-curves",
    embedder: embedder.modelId,
    database: db.kind,
    dataset: "banking77-train",
    queries: args.limit,
    tenants: args.tenants,
    overall: Object.fromEntries(results.map((r) => [r.threshold.toFixed(2), { hit_rate: round(r.hitRate, 4), wrong_hits_per_query: round(r.wrongHitRate, 4), wrong_share_of_hits: round(r.wrongShareOfHits, 4), entries_written: r.written, lookup_p50_ms: round(r.lookupMsP50 ?? NaN) }])),
    hit_rate_curves: curve("hitRate"),
    wrong_hit_rate_curves: curve("wrongHitRate"),
  });
}

runCli(USAGE, main);
