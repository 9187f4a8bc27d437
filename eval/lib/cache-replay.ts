import { randomUUID } from "node:crypto";
import { systemClaims, visitorClaims } from "@/lib/db/claims";
import type { Embedder } from "@/lib/ai/embeddings";
import { lookupCacheAs, writeCache } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { wasInterrupted } from "./lifecycle";
import { escapeHtml, htmlPage, htmlTable, pct, type Section } from "./html";
import { seededRandom, shuffled } from "./random";
import { lineChart } from "./svg";
import type { LabeledText } from "./cache-protocol";

/**
 * The replay protocol: traffic as a cache meets it in production. Queries arrive in a
 * seeded random order into empty caches (labels dealt to tenants round-robin); a hit is
 * checked against the query's label (the cached answer is the label of the question that
 * wrote it); a miss is answered (the approved answer is simulated: its label) and written
 * to the asking tenant's cache, as a resolution does. Rows of the negative label are
 * never written: they have no answer, so any hit on them is wrong. Each threshold replays
 * the same order into fresh tenants, since what gets written depends on what hit.
 */
export interface ReplayPoint {
  /** Queries replayed so far. */
  queries: number;
  hitRate: number;
  wrongHitRate: number;
}

export interface ReplayResult {
  threshold: number;
  queries: number;
  hits: number;
  wrongHits: number;
  /** Misses written to the cache (the cache's size at the end). */
  written: number;
  hitRate: number;
  /** Wrong hits per query (a wrong answer served, the cost that matters). */
  wrongHitRate: number;
  /** Wrong hits per hit. */
  wrongShareOfHits: number;
  curve: ReplayPoint[];
  lookupMsP50: number | null;
}

export interface ReplayTarget {
  embedder: Embedder;
  /** Fresh tenants for one threshold's replay; removed by the caller's cleanup. */
  newTenants(count: number, threshold: number): Promise<string[]>;
}

export interface ReplayOptions {
  tenants: number;
  thresholds: number[];
  negativeLabel?: string;
  seed: number;
  limit?: number;
  /** Points on each curve. */
  points?: number;
  onProgress?: (threshold: number, done: number, total: number) => void;
}

/** The replay order and each row's tenant (labels shuffled, dealt round-robin; seeded). */
export function planReplay(rows: readonly LabeledText[], options: Pick<ReplayOptions, "tenants" | "seed" | "limit">) {
  const random = seededRandom(options.seed);
  const labels = shuffled([...new Set(rows.map((r) => r.label))].sort(), random);
  const tenantOf = new Map(labels.map((label, i) => [label, i % options.tenants]));
  const order = shuffled(rows, random).slice(0, options.limit);
  return order.map((row) => ({ ...row, tenant: tenantOf.get(row.label)! }));
}

const EMBED_BATCH = 256;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function replayOne(
  order: ReturnType<typeof planReplay>,
  vectors: number[][],
  threshold: number,
  target: ReplayTarget,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const tenantIds = await target.newTenants(options.tenants, threshold);
  const model = target.embedder.modelId;
  const every = Math.max(1, Math.floor(order.length / (options.points ?? 40)));
  const curve: ReplayPoint[] = [];
  const lookupMs: number[] = [];
  let hits = 0;
  let wrongHits = 0;
  let written = 0;
  let done = 0;
  for (const [i, row] of order.entries()) {
    if (wasInterrupted()) break;
    const tenantId = tenantIds[row.tenant];
    const claims = visitorClaims({ tenantId, conversationId: randomUUID() });
    const started = performance.now();
    const hit = await lookupCacheAs({ claims, tenantId, embeddingModel: model, question: row.text }, vectors[i], threshold);
    lookupMs.push(performance.now() - started);
    if (hit) {
      hits++;
      if (row.label === options.negativeLabel || hit.answer !== row.label) wrongHits++;
    } else if (row.label !== options.negativeLabel) {
      const stored = await withTenant(systemClaims(tenantId), (tx) =>
        writeCache({ tx, tenantId, embeddingModel: model }, {
          question: row.text, embedding: vectors[i], answer: row.label, source: "human", citations: [], sourceIds: [], confidence: null, ttlDays: 30,
        }),
      );
      if (stored) written++;
    }
    done++;
    if (done % every === 0 || done === order.length) curve.push({ queries: done, hitRate: hits / done, wrongHitRate: wrongHits / done });
    options.onProgress?.(threshold, done, order.length);
  }
  return {
    threshold,
    queries: done,
    hits,
    wrongHits,
    written,
    hitRate: done ? hits / done : 0,
    wrongHitRate: done ? wrongHits / done : 0,
    wrongShareOfHits: hits ? wrongHits / hits : 0,
    curve,
    lookupMsP50: median(lookupMs),
  };
}

/** Replays the rows once per threshold; every row is embedded once, up front. */
export async function runReplay(rows: readonly LabeledText[], target: ReplayTarget, options: ReplayOptions): Promise<ReplayResult[]> {
  const order = planReplay(rows, options);
  const vectors: number[][] = [];
  for (let i = 0; i < order.length; i += EMBED_BATCH) vectors.push(...(await target.embedder.embed(order.slice(i, i + EMBED_BATCH).map((r) => r.text))));
  const results: ReplayResult[] = [];
  for (const threshold of options.thresholds) {
    if (wasInterrupted()) break;
    results.push(await replayOne(order, vectors, threshold, target, options));
  }
  return results;
}

export function replayTable(results: ReplayResult[]): { headers: string[]; rows: string[][] } {
  return {
    headers: ["threshold", "queries", "hit rate", "wrong hits / query", "wrong / hits", "entries written", "lookup p50 ms"],
    rows: results.map((r) => [
      r.threshold.toFixed(2), String(r.queries), pct(r.hitRate), pct(r.wrongHitRate, 2), pct(r.wrongShareOfHits, 2), String(r.written),
      r.lookupMsP50 === null ? "–" : r.lookupMsP50.toFixed(2),
    ]),
  };
}

export function replayReportHtml(results: ReplayResult[], setup: Record<string, unknown>): string {
  const table = replayTable(results);
  const series = (key: "hitRate" | "wrongHitRate") =>
    results.map((r) => ({ name: `≥ ${r.threshold.toFixed(2)}`, points: r.curve.map((p) => [p.queries, p[key]] as [number, number]) }));
  const sections: Section[] = [
    { heading: "Overall, per threshold", html: htmlTable(table.headers, table.rows) },
    { heading: "Hit rate as traffic accrues", html: lineChart({ title: "Cumulative hit rate", series: series("hitRate"), xLabel: "queries replayed", yLabel: "hit rate", yRange: [0, 1], formatY: (v) => `${Math.round(v * 100)}%` }) },
    { heading: "Wrong hits as traffic accrues", html: lineChart({ title: "Cumulative wrong hits per query", series: series("wrongHitRate"), xLabel: "queries replayed", yLabel: "wrong hits / query", formatY: (v) => `${(v * 100).toFixed(1)}%` }) },
    { heading: "Setup", html: `<pre>${escapeHtml(JSON.stringify(setup, null, 2))}</pre>` },
  ];
  return htmlPage("Semantic cache: replay", "Queries in seeded random order into empty caches; misses answered and written, hits checked against the label.", sections);
}
