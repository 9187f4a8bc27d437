import type { QueryResult } from "./cache-protocol";
import { ratio, round } from "./stats";

export interface ThresholdPoint {
  threshold: number;
  queries: number;
  /** Lookups that returned an entry at or above the threshold. */
  hits: number;
  /** Hits whose answer is the query's own label. */
  correctHits: number;
  /** Hits with another label's answer (negative-label queries: any hit): a wrong answer served. */
  falseHits: number;
  /** Hits on an entry another tenant seeded: an isolation defect, must be 0. */
  crossTenantHits: number;
  hitRate: number | null;
  correctHitRate: number | null;
  /** falseHits / queries: how often a question gets someone else's answer. */
  falseHitRate: number | null;
  /** falseHits / hits: the share of cached answers served that are wrong. */
  wrongShareOfHits: number | null;
  negativeQueries: number;
  negativeHits: number;
}

/**
 * Scores one threshold from the lookups' nearest matches. The adapter returns the
 * nearest entry and the threshold only filters it (all seeds share one source, so the
 * human-first tie rule never reorders them), hence one lookup per query serves every
 * threshold.
 */
export function scoreThreshold(results: readonly QueryResult[], threshold: number, negativeLabel?: string): ThresholdPoint {
  let hits = 0;
  let correctHits = 0;
  let falseHits = 0;
  let crossTenantHits = 0;
  let negativeQueries = 0;
  let negativeHits = 0;
  for (const r of results) {
    const negative = negativeLabel !== undefined && r.label === negativeLabel;
    if (negative) negativeQueries++;
    if (r.similarity === null || r.similarity < threshold) continue;
    hits++;
    if (negative) negativeHits++;
    if (r.bestTenant !== r.tenant) crossTenantHits++;
    if (!negative && r.bestLabel === r.label && r.bestTenant === r.tenant) correctHits++;
    else falseHits++;
  }
  const queries = results.length;
  return {
    threshold,
    queries,
    hits,
    correctHits,
    falseHits,
    crossTenantHits,
    hitRate: ratio(hits, queries),
    correctHitRate: ratio(correctHits, queries),
    falseHitRate: ratio(falseHits, queries),
    wrongShareOfHits: ratio(falseHits, hits),
    negativeQueries,
    negativeHits,
  };
}

/** Thresholds from `from` to `to` in steps of `step`, rounded to avoid float drift. */
export function thresholdRange(from: number, to: number, step: number): number[] {
  const count = Math.round((to - from) / step);
  return Array.from({ length: count + 1 }, (_v, i) => Math.round((from + i * step) * 1e6) / 1e6);
}

/** What a false-hit budget is a share of: all queries asked, or the cached answers served. */
export type BudgetBasis = "queries" | "hits";

/**
 * The lowest threshold whose false hits are within the budget: hits and false hits only
 * shrink as the threshold rises, so the lowest safe one serves the most correct answers.
 * Against `hits` the budget bounds the share of served answers that are wrong, which is
 * stricter whenever the hit rate is low. Null when no threshold in the sweep is safe.
 */
export function recommendThreshold(points: readonly ThresholdPoint[], maxFalseHitRate: number, basis: BudgetBasis = "queries"): ThresholdPoint | null {
  const rate = (p: ThresholdPoint) => (basis === "queries" ? p.falseHitRate : (p.wrongShareOfHits ?? 0));
  const sorted = [...points].sort((a, b) => a.threshold - b.threshold);
  if (basis === "hits") {
    // The wrong share of hits is not monotonic: take the lowest threshold from which every higher one is safe.
    let lowest: ThresholdPoint | null = null;
    for (let i = sorted.length - 1; i >= 0 && (rate(sorted[i]) ?? 1) <= maxFalseHitRate; i--) lowest = sorted[i];
    return lowest;
  }
  return sorted.find((p) => p.falseHitRate !== null && p.falseHitRate <= maxFalseHitRate) ?? null;
}

/** A point with its rates rounded to 4 decimals, for reports and summaries. */
export function roundPoint(p: ThresholdPoint): ThresholdPoint {
  return {
    ...p,
    hitRate: round(p.hitRate, 4),
    correctHitRate: round(p.correctHitRate, 4),
    falseHitRate: round(p.falseHitRate, 4),
    wrongShareOfHits: round(p.wrongShareOfHits, 4),
  };
}
