import { recommendThreshold, roundPoint, scoreThreshold, thresholdRange, type ThresholdPoint } from "./cache-metrics";
import type { QueryResult } from "./cache-protocol";
import { pct } from "./html";
import { seededRandom, shuffled } from "./random";
import { round } from "./stats";

/**
 * Out-of-sample calibration (`--holdout-labels <fraction>`): the labels are split (seeded)
 * into a calibration part and a held-out part. The threshold is chosen on the
 * calibration labels' queries only, then reported on the held-out labels' queries, which
 * played no part in choosing it. The cache still holds every label's entries, so a
 * held-out question can be served a calibration label's answer, as in real traffic.
 * Label groups differ a lot, so the split is repeated and the spread reported.
 */
export interface HoldoutSplit {
  /** Chosen on the calibration labels (lowest threshold within the false-hit budget). */
  calibrated: ThresholdPoint | null;
  /** The calibrated threshold applied to the held-out labels' queries. */
  heldOut: ThresholdPoint | null;
  /** What the held-out labels alone would have chosen (in-sample, for comparison). */
  heldOutInSample: ThresholdPoint | null;
}

export interface HoldoutReport {
  fraction: number;
  calibrationLabels: number;
  heldOutLabels: number;
  maxFalseHitRate: number;
  splits: HoldoutSplit[];
  /** Over the splits: median calibrated threshold, mean held-out rates and the worst false-hit rate. */
  medianThreshold: number | null;
  heldOutCorrectHitRate: number | null;
  heldOutFalseHitRate: number | null;
  worstHeldOutFalseHitRate: number | null;
}

export function splitLabels(labels: readonly string[], fraction: number, seed: number): { calibration: Set<string>; heldOut: Set<string> } {
  const order = shuffled([...new Set(labels)].sort(), seededRandom(seed ^ 0x5eed));
  const heldOutCount = Math.min(order.length - 1, Math.max(1, Math.round(order.length * fraction)));
  return { calibration: new Set(order.slice(heldOutCount)), heldOut: new Set(order.slice(0, heldOutCount)) };
}

export const HOLDOUT_SPLITS = 10;

export function holdoutReport(
  results: readonly QueryResult[],
  options: { fraction: number; seed: number; maxFalseHitRate: number; negativeLabel?: string; splits?: number },
): HoldoutReport {
  const sweep = thresholdRange(0.3, 0.99, 0.01);
  const choose = (rows: readonly QueryResult[]) =>
    recommendThreshold(sweep.map((t) => scoreThreshold(rows, t, options.negativeLabel)), options.maxFalseHitRate, "queries");
  const labels = results.map((r) => r.label);
  const splits: HoldoutSplit[] = [];
  let sizes = { calibration: 0, heldOut: 0 };
  for (let i = 0; i < (options.splits ?? HOLDOUT_SPLITS); i++) {
    const { calibration, heldOut } = splitLabels(labels, options.fraction, options.seed + i);
    sizes = { calibration: calibration.size, heldOut: heldOut.size };
    const part = (set: Set<string>) => results.filter((r) => set.has(r.label));
    const calibrated = choose(part(calibration));
    splits.push({
      calibrated: roundOrNull(calibrated),
      heldOut: calibrated && roundPoint(scoreThreshold(part(heldOut), calibrated.threshold, options.negativeLabel)),
      heldOutInSample: roundOrNull(choose(part(heldOut))),
    });
  }
  const scored = splits.flatMap((s) => (s.calibrated && s.heldOut ? [{ threshold: s.calibrated.threshold, heldOut: s.heldOut }] : []));
  const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 4) : null);
  const thresholds = scored.map((s) => s.threshold).sort((a, b) => a - b);
  return {
    fraction: options.fraction,
    calibrationLabels: sizes.calibration,
    heldOutLabels: sizes.heldOut,
    maxFalseHitRate: options.maxFalseHitRate,
    splits,
    medianThreshold: thresholds.length ? thresholds[Math.floor((thresholds.length - 1) / 2)] : null,
    heldOutCorrectHitRate: mean(scored.map((s) => s.heldOut.correctHitRate ?? 0)),
    heldOutFalseHitRate: mean(scored.map((s) => s.heldOut.falseHitRate ?? 0)),
    worstHeldOutFalseHitRate: scored.length ? Math.max(...scored.map((s) => s.heldOut.falseHitRate ?? 0)) : null,
  };
}

const roundOrNull = (p: ThresholdPoint | null) => p && roundPoint(p);

export function holdoutText(report: HoldoutReport): string {
  const budget = pct(report.maxFalseHitRate, 0);
  const range = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : "none");
  if (report.medianThreshold === null) {
    return `Holdout: no threshold up to 0.99 keeps false hits ≤ ${budget} on the calibration labels of any split.`;
  }
  const chosen = report.splits.flatMap((s) => (s.calibrated ? [s.calibrated.threshold] : []));
  return (
    `Holdout, ${report.splits.length} splits (${report.calibrationLabels} labels calibrate, ${report.heldOutLabels} held out; ` +
    `budget ≤ ${budget} false hits of queries): thresholds chosen ${range(chosen)} (median ${report.medianThreshold.toFixed(2)}); ` +
    `on the held-out labels: ${pct(report.heldOutCorrectHitRate)} correct hits, ${pct(report.heldOutFalseHitRate, 2)} false hits on average, ` +
    `${pct(report.worstHeldOutFalseHitRate, 2)} false in the worst split.`
  );
}
