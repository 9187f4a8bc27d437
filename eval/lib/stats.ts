/**
 * The p-th percentile (0..100) of already sorted numbers, by linear interpolation between
 * closest ranks (numpy's default), so p50 of [1, 2] is 1.5. Null for no data.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function percentile(values: readonly number[], p: number): number | null {
  return percentileOfSorted([...values].sort((a, b) => a - b), p);
}

export interface Distribution {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Count, mean and the percentiles every report here shows. */
export function summarize(values: readonly number[]): Distribution {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((sum, v) => sum + v, 0) / sorted.length : null;
  return {
    count: sorted.length,
    min: sorted[0] ?? null,
    mean,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

export interface Histogram {
  /** bins + 1 edges, from the smallest to the largest value. */
  edges: number[];
  counts: number[];
}

/** Equal-width bins over [min, max] (or the given range); values outside are clamped into the end bins. */
export function histogram(values: readonly number[], bins: number, range?: [number, number]): Histogram {
  const finite = values.filter(Number.isFinite);
  const lo = range?.[0] ?? (finite.length ? Math.min(...finite) : 0);
  let hi = range?.[1] ?? (finite.length ? Math.max(...finite) : 1);
  if (hi <= lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  return { edges: Array.from({ length: bins + 1 }, (_v, i) => lo + i * width), counts };
}

/** A ratio that is null rather than NaN when there is nothing to divide. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Rounds for display and JSON: latencies to 0.1 ms, rates to 4 decimals. */
export function round(value: number | null, digits = 1): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Least-squares slope of y over x (e.g. MB per second of memory samples); null with fewer than two x values. */
export function linearSlope(points: ReadonlyArray<readonly [number, number]>): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}
