/**
 * `npm run eval:cache -- --csv <file> --text-col <name> --label-col <name> [--tenants N]
 *   [--thresholds 0.8,0.85,...] [--seed-per-label 1] [--negative-label <name>] [--out <file>]`
 *
 * Measures the semantic cache on labelled phrasings: labels are split across N fresh
 * tenants, each label's cache is seeded with some phrasings (answer = label) and queried
 * with the others, through the product's cache adapter and configured embedder.
 */
import path from "node:path";
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { getSemanticCache } from "@/lib/cache";
import { startRunDatabase } from "./lib/run-database";
import { runCli } from "./lib/lifecycle";
import { createRunTenant, removeStaleRunTenants } from "./lib/tenants";
import { numberFlag, onErrorSchema, parseCommandLine, thresholdListSchema } from "./lib/args";
import { parseCsv } from "./lib/csv";
import { planCacheEval, type LabeledText } from "./lib/cache-protocol";
import { replayReportHtml, replayTable, runReplay, type ReplayTarget } from "./lib/cache-replay";
import { holdoutReport, holdoutText } from "./lib/cache-holdout";
import { cacheReportHtml, cacheSummaryTable, recommendationText, summarizeCacheRun } from "./lib/cache-report";
import { queryCaches, seedCaches } from "./lib/cache-run";
import { formatIssues, readTextFile } from "./lib/input";
import { DEFAULT_OUT_DIR, sidePaths, textTable, toJsonl, writeText } from "./lib/output";

const USAGE = `Usage: npm run eval:cache -- --csv <file> --text-col <name> --label-col <name> [options]
  --tenants N              split the labels across N tenants (default 2)
  --thresholds a,b,...     similarity thresholds to report (default 0.5,0.55,...,0.95)
  --seed-per-label N       phrasings per label written to the cache (default 1)
  --negative-label NAME    rows with this label are only queried: any hit on them is a false hit
  --out FILE               one JSONL line per query; summary and HTML report beside it
                           (default ${DEFAULT_OUT_DIR}/cache.jsonl)
  --max-false-hit-rate R   budget for the recommended threshold (default 0.02)
  --on-error skip|fail     what a malformed CSV row does (default fail)
  --limit N                query at most N phrasings (quick runs)
  --seed N                 seed of the label split and seed choice (default 1)
  --protocol NAME          seeded (default): seed phrasings, query the rest;
                           replay: queries in seeded random order into empty caches, a miss
                           answered and written, a hit checked (curves as traffic accrues);
                           both
  --holdout-labels F       also calibrate the threshold on a share 1-F of the labels and
                           report hit / false-hit rates on the other F (out of sample)`;

const flags = z.object({
  csv: z.string({ message: "--csv is required" }),
  "text-col": z.string({ message: "--text-col is required" }),
  "label-col": z.string({ message: "--label-col is required" }),
  tenants: numberFlag({ int: true, min: 1, max: 100 }).default(2),
  thresholds: thresholdListSchema.default([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]),
  "seed-per-label": numberFlag({ int: true, min: 1 }).default(1),
  "negative-label": z.string().optional(),
  out: z.string().default(path.join(DEFAULT_OUT_DIR, "cache.jsonl")),
  "max-false-hit-rate": numberFlag({ min: 0, max: 1 }).default(0.02),
  "on-error": onErrorSchema.default("fail"),
  limit: numberFlag({ int: true, min: 1 }).optional(),
  seed: numberFlag({ int: true }).default(1),
  "holdout-labels": numberFlag({ min: 0.05, max: 0.95 }).optional(),
  protocol: z.enum(["seeded", "replay", "both"], { message: "--protocol must be seeded, replay or both" }).default("seeded"),
});


async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const textCol = args["text-col"];
  const labelCol = args["label-col"];
  // Everything about the input is checked before a database or tenant exists.
  const table = parseCsv(await readTextFile(args.csv, "CSV file"), { file: args.csv, onError: args["on-error"], required: [textCol, labelCol] });
  for (const line of formatIssues(args.csv, table.issues)) console.warn(line);
  const rows = table.rows.map((r) => ({ text: r.value[textCol], label: r.value[labelCol], line: r.line }));
  const negativeLabel = args["negative-label"];
  if (negativeLabel !== undefined && !rows.some((r) => r.label === negativeLabel)) {
    console.warn(`Note: no row has the negative label "${negativeLabel}".`);
  }
  const plan = args.protocol === "replay" ? null : planCacheEval(rows, { tenants: args.tenants, seedPerLabel: args["seed-per-label"], negativeLabel, seed: args.seed });

  const db = await startRunDatabase("eval");
  await removeStaleRunTenants("eval");
  if (args.protocol !== "seeded") await runReplayProtocol(rows, { ...args, negativeLabel, database: db.kind });
  if (!plan) return 0;
  const tenants = [];
  for (const t of plan.tenants) tenants.push(await createRunTenant("eval", { name: `Cache eval tenant ${t.index + 1}` }));
  const target = { cache: getSemanticCache(), embedder: getEmbedder(), tenantIds: tenants.map((t) => t.id) };
  console.log(`Seeding ${plan.tenants.reduce((n, t) => n + t.seeds.length, 0)} entries into ${tenants.length} tenants (${target.cache.name}, ${target.embedder.modelId}, ${db.kind})…`);
  const seeds = await seedCaches(plan, target);
  const results = await queryCaches(plan, target, {
    limit: args.limit,
    onProgress: (done, total) => {
      if (done % 1000 === 0 || done === total) process.stderr.write(`\r  queried ${done}/${total}`);
    },
  });
  process.stderr.write("\n");

  const summary = summarizeCacheRun(
    results,
    {
      dataset: { file: args.csv, rows: rows.length, skippedLines: table.issues.length, labels: plan.labelTenant.size, negativeLabel: negativeLabel ?? null },
      setup: { tenants: args.tenants, seedPerLabel: args["seed-per-label"], seeds, queries: results.length, seed: args.seed, adapter: target.cache.name, embedder: target.embedder.modelId, database: db.kind },
    },
    args.thresholds,
    args["max-false-hit-rate"],
  );
  const fraction = args["holdout-labels"];
  const holdout =
    fraction === undefined ? undefined : holdoutReport(results, { fraction, seed: args.seed, maxFalseHitRate: args["max-false-hit-rate"], negativeLabel });
  const side = sidePaths(args.out);
  await writeText(args.out, toJsonl(results.map((r) => ({ text: r.text, label: r.label, tenant: r.tenant, line: r.line, best_match_label: r.bestLabel, best_match_tenant: r.bestTenant, similarity: r.similarity, lookup_ms: r.lookupMs, embed_ms: r.embedMs }))));
  await writeText(side.summary, JSON.stringify(holdout ? { ...summary, holdout } : summary, null, 2) + "\n");
  await writeText(side.report, cacheReportHtml(summary, results));

  const printed = cacheSummaryTable(summary);
  console.log(`\n${textTable(printed.headers, printed.rows)}\n`);
  console.log(recommendationText(summary));
  if (holdout) console.log(holdoutText(holdout));
  console.log(`Cross-tenant hits: ${summary.crossTenantHits}${summary.crossTenantHits ? "  <-- ISOLATION DEFECT" : " (as required)"}`);
  console.log(`Wrote ${args.out}, ${side.summary}, ${side.report}`);
  return summary.crossTenantHits > 0 ? 1 : 0;
}

/** The replay protocol (eval/lib/cache-replay.ts): its table, curves and report beside --out. */
async function runReplayProtocol(
  rows: LabeledText[],
  args: { tenants: number; thresholds: number[]; seed: number; limit?: number; out: string; negativeLabel?: string; database: string; csv: string },
): Promise<void> {
  const embedder = getEmbedder();
  console.log(`Replaying ${args.limit ?? rows.length} queries per threshold into empty caches (${embedder.modelId}, ${args.database})…`);
  const target: ReplayTarget = {
    embedder,
    newTenants: async (count, threshold) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await createRunTenant("eval", { name: `Cache replay ${threshold} tenant ${i + 1}` })).id);
      return ids;
    },
  };
  const results = await runReplay(rows, target, {
    ...args,
    onProgress: (threshold, done, total) => {
      if (done % 500 === 0 || done === total) process.stderr.write(`\r  threshold ${threshold}: ${done}/${total}`);
    },
  });
  process.stderr.write("\n");
  const setup = { file: args.csv, rows: rows.length, tenants: args.tenants, seed: args.seed, negativeLabel: args.negativeLabel ?? null, embedder: embedder.modelId, database: args.database };
  const base = args.out.replace(/\.jsonl$/, "");
  await writeText(`${base}.replay.json`, JSON.stringify({ protocol: "replay", setup, results }, null, 2) + "\n");
  await writeText(`${base}.replay.html`, replayReportHtml(results, setup));
  const printed = replayTable(results);
  console.log(`\nReplay protocol\n${textTable(printed.headers, printed.rows)}\nWrote ${base}.replay.json, ${base}.replay.html\n`);
}

runCli(USAGE, main);
