import { escapeHtml, htmlPage, htmlTable, type Section } from "./html";
import { textTable } from "./output";
import type { Histogram } from "./stats";
import { histogramChart, lineChart } from "./svg";

export type RunStatus = "ok" | "failed" | "timeout" | "no-result" | "missing";

export interface BenchRun {
  name: string;
  file: string;
  status: RunStatus;
  exitCode: number | null;
  seconds: number;
  result: Record<string, unknown> | null;
  /** The end of the output, when no JSON result could be read from it. */
  outputTail?: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: { cpu?: string; cpus: number; loadAverage1m?: number; memoryGb: number; node: string; platform: string; database: string };
  runs: BenchRun[];
}

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar => v === null || ["string", "number", "boolean"].includes(typeof v);

/** Top-level scalars and one level of nested scalars (e.g. first_text_ms.p99) as rows. */
export function flattenScalars(result: Record<string, unknown>): Array<[string, Scalar]> {
  const rows: Array<[string, Scalar]> = [];
  for (const [key, value] of Object.entries(result)) {
    if (isScalar(value)) rows.push([key, value]);
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value)) if (isScalar(v)) rows.push([`${key}.${sub}`, v]);
    }
  }
  return rows;
}

function show(value: Scalar): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  return String(value);
}

export const PER_KIND_HEADERS = ["request", "count", "per s", "errors", "first byte ms p50 / p95 / p99", "first text ms p50 / p95 / p99", "outcomes"];

/** `by_kind` (a load run's requests by kind: count, errors, ttfb_ms, first_text_ms, outcomes) as table rows. */
export function perKindRows(result: Record<string, unknown>): string[][] {
  const byKind = result.by_kind;
  if (!isRecord(byKind)) return [];
  const ms = (v: unknown) => (isRecord(v) ? ["p50", "p95", "p99"].map((k) => (typeof v[k] === "number" ? show(v[k] as number) : "–")).join(" / ") : "–");
  return Object.entries(byKind).flatMap(([kind, k]) => {
    if (!isRecord(k) || typeof k.count !== "number") return [];
    const outcomes = isRecord(k.outcomes) ? Object.entries(k.outcomes).map(([o, n]) => `${o} ${String(n)}`).join(", ") : "";
    return [[kind, String(k.count), typeof k.per_s === "number" ? show(k.per_s) : "–", String(k.errors ?? "–"), ms(k.ttfb_ms), ms(k.first_text_ms), outcomes]];
  });
}

/** The console summary: one line per benchmark, then each one's figures. */
export function resultsText(results: BenchResults): string {
  const overview = textTable(
    ["benchmark", "status", "seconds", "pass"],
    results.runs.map((r) => [r.name, r.status, r.seconds.toFixed(0), typeof r.result?.pass === "boolean" ? String(r.result.pass) : "–"]),
  );
  const details = results.runs
    .filter((r) => r.result)
    .map((r) => {
      const kinds = perKindRows(r.result!);
      const table = kinds.length ? `\n${textTable(PER_KIND_HEADERS, kinds)}` : "";
      return `\n${r.name}\n${textTable(["metric", "value"], flattenScalars(r.result!).map(([k, v]) => [k, show(v)]))}${table}`;
    });
  return [overview, ...details].join("\n");
}

/** [x, y] series (e.g. rss_samples) become line charts. */
function pairSeries(result: Record<string, unknown>): Array<[string, Array<[number, number]>]> {
  return Object.entries(result).filter(
    (entry): entry is [string, Array<[number, number]>] =>
      Array.isArray(entry[1]) && entry[1].length > 1 && entry[1].every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number")),
  );
}

/** Latency distributions ({edges, counts}) become histograms. */
function histograms(result: Record<string, unknown>): Array<[string, Histogram]> {
  return Object.entries(result).filter((entry): entry is [string, Histogram] => {
    const h = entry[1] as Partial<Histogram> | null;
    return Boolean(h && Array.isArray(h.edges) && Array.isArray(h.counts) && h.edges.length === h.counts.length + 1);
  });
}

const PERCENTILE_KEYS = ["p50", "p90", "p99", "max"];

const isRecord = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);
const isPercentiles = (v: unknown) => isRecord(v) && PERCENTILE_KEYS.filter((k) => typeof v[k] === "number").length >= 2;

/**
 * Percentile objects up to three levels down (e.g. exact.first_text_ms), named by their
 * path; `by_kind` has a table and a chart of its own.
 */
function percentileObjects(result: Record<string, unknown>, prefix = "", depth = 0): Array<[string, unknown]> {
  return Object.entries(result).flatMap(([key, v]): Array<[string, unknown]> => {
    if (depth === 0 && key === "by_kind") return [];
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPercentiles(v)) return [[name, v]];
    return isRecord(v) && depth < 2 ? percentileObjects(v, name, depth + 1) : [];
  });
}

/** Throughput figures (per_s) up to two levels down, as one bar-like profile. */
function throughputChart(name: string, result: Record<string, unknown>): string | null {
  const figures = Object.entries(result).flatMap(([key, v]): Array<[string, number]> =>
    isRecord(v) && typeof v.per_s === "number" ? [[key, v.per_s]] : [],
  );
  if (figures.length < 2) return null;
  const table = htmlTable(["phase", "requests/s"], figures.map(([k, v]) => [k, show(v)]));
  return `<h3>${escapeHtml(name)} throughput</h3>${table}`;
}

/** Maps of named [x, y] series (e.g. hit_rate_curves: {"0.80": [[100, 0.1], ...]}) as one chart each. */
function curveCharts(result: Record<string, unknown>): string[] {
  const isPairs = (v: unknown): v is Array<[number, number]> =>
    Array.isArray(v) && v.length > 1 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number"));
  return Object.entries(result)
    .filter((entry): entry is [string, Record<string, Array<[number, number]>>] => isRecord(entry[1]) && Object.values(entry[1]).length > 0 && Object.values(entry[1]).every(isPairs))
    .map(([key, map]) =>
      lineChart({
        title: key.replaceAll("_", " "),
        series: Object.entries(map).map(([series, points]) => ({ name: series, points })),
        xLabel: "queries replayed",
        yLabel: key.replace(/_curves$/, "").replaceAll("_", " "),
      }),
    );
}

/** The table of requests by kind, and their time-to-first-byte profiles in one chart. */
function perKindSection(name: string, result: Record<string, unknown>): string | null {
  const rows = perKindRows(result);
  if (rows.length === 0) return null;
  const byKind = result.by_kind as Record<string, Record<string, unknown>>;
  const series = Object.entries(byKind).flatMap(([kind, k]) => {
    const t = k.ttfb_ms;
    if (!isPercentiles(t)) return [];
    const points = (["p50", "p90", "p99", "max"] as const).flatMap((p, i) => (typeof (t as Record<string, unknown>)[p] === "number" ? [[[50, 90, 99, 100][i], (t as Record<string, number>)[p]] as [number, number]] : []));
    return [{ name: kind, points }];
  });
  const chart = series.length ? lineChart({ title: `${name} time to first byte by request`, series, xLabel: "percentile", yLabel: "ms" }) : "";
  return `<h3>${escapeHtml(name)} requests by kind</h3>${htmlTable(PER_KIND_HEADERS, rows, { textColumns: [0, 6] })}${chart}`;
}

/** Percentile objects ({p50, p90, p99, ...}) of one result, drawn as latency profiles. */
function percentileChart(name: string, result: Record<string, unknown>): string | null {
  const keys = PERCENTILE_KEYS;
  const series = percentileObjects(result)
    .map(([key, v]) => ({
      name: key,
      points: keys.flatMap((k, i) => (typeof (v as Record<string, number>)[k] === "number" ? [[[50, 90, 99, 100][i], (v as Record<string, number>)[k]] as [number, number]] : [])),
    }));
  if (series.length === 0) return null;
  return lineChart({ title: `${name} latency percentiles`, series, xLabel: "percentile", yLabel: "ms" });
}

function runSection(run: BenchRun): Section {
  const parts = [`<p class="meta">${escapeHtml(run.file)} · ${escapeHtml(run.status)} · ${run.seconds.toFixed(0)} s</p>`];
  if (run.result) {
    parts.push(htmlTable(["metric", "value"], flattenScalars(run.result).map(([k, v]) => [k, show(v)])));
    const perKind = perKindSection(run.name, run.result);
    if (perKind) parts.push(perKind);
    const profile = percentileChart(run.name, run.result);
    if (profile) parts.push(profile);
    const throughput = throughputChart(run.name, run.result);
    if (throughput) parts.push(throughput);
    parts.push(...curveCharts(run.result));
    for (const [key, h] of histograms(run.result)) parts.push(histogramChart({ title: key, xLabel: `${key.replace(/_histogram$/, "")} (ms)`, series: [{ name: key, histogram: h }] }));
    for (const [key, points] of pairSeries(run.result)) parts.push(lineChart({ title: key, series: [{ name: key, points }], xLabel: "seconds", yLabel: key }));
  } else if (run.outputTail) {
    parts.push(`<pre>${escapeHtml(run.outputTail)}</pre>`);
  }
  return { heading: run.name, html: parts.join("\n") };
}

export function resultsHtml(results: BenchResults): string {
  const m = results.machine;
  const overview = htmlTable(
    ["benchmark", "status", "seconds", "pass"],
    results.runs.map((r) => [r.name, r.status, r.seconds.toFixed(0), typeof r.result?.pass === "boolean" ? String(r.result.pass) : "–"]),
  );
  return htmlPage(
    "Benchmarks",
    `${results.startedAt} · ${m.cpus} CPUs${m.cpu ? ` (${m.cpu})` : ""}, load ${m.loadAverage1m ?? "?"} at the end, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}, database ${m.database}`,
    [{ heading: "Overview", html: overview }, ...results.runs.map(runSection)],
  );
}
