import { recommendThreshold, roundPoint, scoreThreshold, thresholdRange, type ThresholdPoint } from "./cache-metrics";
import type { QueryResult } from "./cache-protocol";
import { escapeHtml, fmt, htmlPage, htmlTable, pct } from "./html";
import { histogram, round, summarize, type Distribution } from "./stats";
import { histogramChart, lineChart } from "./svg";

export interface CacheSummary {
  dataset: { file: string; rows: number; skippedLines: number; labels: number; negativeLabel: string | null };
  setup: { tenants: number; seedPerLabel: number; seeds: number; queries: number; seed: number; adapter: string; embedder: string; database: string };
  thresholds: ThresholdPoint[];
  maxFalseHitRate: number;
  /** The lowest threshold of a 0.01-step sweep that keeps false hits within the budget, as a share of queries. */
  recommended: ThresholdPoint | null;
  /** The same with the budget as a share of the cached answers served (stricter when hits are rare). */
  recommendedByHitShare: ThresholdPoint | null;
  crossTenantHits: number;
  latencyMs: { lookup: Distribution; embed: Distribution };
}

const roundDist = (d: Distribution): Distribution =>
  Object.fromEntries(Object.entries(d).map(([k, v]) => [k, k === "count" ? v : round(v as number | null, 2)])) as unknown as Distribution;

export function summarizeCacheRun(
  results: QueryResult[],
  context: Omit<CacheSummary, "thresholds" | "recommended" | "recommendedByHitShare" | "crossTenantHits" | "latencyMs" | "maxFalseHitRate">,
  thresholds: number[],
  maxFalseHitRate: number,
): CacheSummary {
  const negative = context.dataset.negativeLabel ?? undefined;
  const fine = thresholdRange(0.3, 0.99, 0.01).map((t) => scoreThreshold(results, t, negative));
  const recommended = recommendThreshold(fine, maxFalseHitRate, "queries");
  const byHits = recommendThreshold(fine, maxFalseHitRate, "hits");
  return {
    ...context,
    thresholds: thresholds.map((t) => roundPoint(scoreThreshold(results, t, negative))),
    maxFalseHitRate,
    recommended: recommended && roundPoint(recommended),
    recommendedByHitShare: byHits && roundPoint(byHits),
    // Any returned entry of another tenant is a defect, whatever its similarity.
    crossTenantHits: results.filter((r) => r.bestTenant !== null && r.bestTenant !== r.tenant).length,
    latencyMs: { lookup: roundDist(summarize(results.map((r) => r.lookupMs))), embed: roundDist(summarize(results.map((r) => r.embedMs))) },
  };
}

export function cacheSummaryTable(summary: CacheSummary): { headers: string[]; rows: string[][] } {
  const { lookup } = summary.latencyMs;
  return {
    headers: ["threshold", "hit rate", "correct", "false-hit rate", "wrong of hits", "cross-tenant", "lookup p50 ms", "lookup p99 ms"],
    rows: summary.thresholds.map((p) => [
      p.threshold.toFixed(2),
      pct(p.hitRate),
      pct(p.correctHitRate),
      pct(p.falseHitRate, 2),
      pct(p.wrongShareOfHits),
      String(p.crossTenantHits),
      fmt(lookup.p50, 2),
      fmt(lookup.p99, 2),
    ]),
  };
}

/** Both recommendations in words, for the console and the report. */
export function recommendationText(summary: CacheSummary): string {
  const budget = pct(summary.maxFalseHitRate, 0);
  const describe = (p: ThresholdPoint | null, basis: string) =>
    p
      ? `${p.threshold.toFixed(2)} keeps false hits ≤ ${budget} of ${basis} (hit rate ${pct(p.correctHitRate)}, false hits ${pct(p.falseHitRate, 2)} of queries, ${pct(p.wrongShareOfHits)} of hits)`
      : `no threshold up to 0.99 keeps false hits ≤ ${budget} of ${basis}`;
  return `Recommended: ${describe(summary.recommended, "queries")}. Stricter: ${describe(summary.recommendedByHitShare, "served hits")}.`;
}

export function cacheReportHtml(summary: CacheSummary, results: QueryResult[]): string {
  const points = summary.thresholds;
  const curve = lineChart({
    title: "Hit rate and false-hit rate by threshold",
    xLabel: "similarity threshold",
    yLabel: "rate",
    yRange: [0, 1],
    formatY: (v) => `${Math.round(v * 100)}%`,
    series: [
      { name: "hit rate (correct)", points: points.map((p) => [p.threshold, p.correctHitRate ?? 0]) },
      { name: "false-hit rate", points: points.map((p) => [p.threshold, p.falseHitRate ?? 0]) },
      { name: "wrong share of hits", points: points.map((p) => [p.threshold, p.wrongShareOfHits ?? 0]) },
    ],
    markers: [
      ...(summary.recommended ? [{ x: summary.recommended.threshold, label: `≤ ${pct(summary.maxFalseHitRate, 0)} of queries: ${summary.recommended.threshold.toFixed(2)}` }] : []),
      ...(summary.recommendedByHitShare ? [{ x: summary.recommendedByHitShare.threshold, label: `≤ ${pct(summary.maxFalseHitRate, 0)} of hits: ${summary.recommendedByHitShare.threshold.toFixed(2)}` }] : []),
    ],
  });
  const same = results.filter((r) => r.similarity !== null && r.bestLabel === r.label).map((r) => r.similarity!);
  const other = results.filter((r) => r.similarity !== null && r.bestLabel !== r.label).map((r) => r.similarity!);
  const similarity = histogramChart({
    title: "Similarity of the nearest entry",
    xLabel: "cosine similarity of the nearest cached question",
    series: [
      { name: "same label", histogram: histogram(same, 40, [0, 1]) },
      { name: "other label", histogram: histogram(other, 40, [0, 1]) },
    ],
  });
  const lookups = results.map((r) => r.lookupMs);
  const latency = histogramChart({
    title: "Lookup latency",
    xLabel: "lookup latency (ms)",
    series: [{ name: "lookups", histogram: histogram(lookups, 40, [0, summary.latencyMs.lookup.p99 ?? 1]) }],
  });
  const table = cacheSummaryTable(summary);
  const rec = summary.recommended;
  const recText = recommendationText(summary);
  const { dataset, setup } = summary;
  return htmlPage(
    "Semantic cache evaluation",
    `${dataset.file}: ${dataset.rows} rows, ${dataset.labels} labels, ${setup.tenants} tenants, ${setup.seeds} seeds, ${setup.queries} queries; ` +
      `adapter ${setup.adapter}, embedder ${setup.embedder}, database ${setup.database}.`,
    [
      { heading: "Threshold curve", html: `<p><strong>${escapeHtml(recText)}</strong> Cross-tenant hits: ${summary.crossTenantHits}.</p>${curve}` },
      { heading: "Per threshold", html: htmlTable(table.headers, table.rows, { highlightRow: points.findIndex((p) => p.threshold === rec?.threshold) }) },
      { heading: "Similarity distribution", html: similarity },
      { heading: "Lookup latency", html: `<p>p50 ${fmt(summary.latencyMs.lookup.p50, 2)} ms, p99 ${fmt(summary.latencyMs.lookup.p99, 2)} ms (embedding apart: p50 ${fmt(summary.latencyMs.embed.p50, 2)} ms).</p>${latency}` },
    ],
  );
}
