import { recommendThreshold, scoreThreshold, thresholdRange, type ThresholdPoint } from "./cache-metrics";
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
 */
export interface HoldoutReport {
  fraction: number;
  calibrationLabels: number;
  heldOutLabels: number;
  maxFalseHitRate: number;
  /** Chosen on the calibration labels (lowest threshold within the false-hit budget). */
  calibrated: ThresholdPoint | null;
  /** The calibrated threshold applied to the held-out labels' queries. */
  heldOut: ThresholdPoint | null;
  /** What the held-out labels alone would have chosen (in-sample, for comparison). */
  heldOutInSample: ThresholdPoint | null;
}

export function splitLabels(labels: readonly string[], fraction: number, seed: number): { calibration: Set<string>; heldOut: Set<string> } {
  const order = shuffled([...new Set(labels)].sort(), seededRandom(seed ^ 0x5eed));
  const heldOutCount = Math.min(order.length - 1, Math.max(1, Math.round(order.length * fraction)));
  return { calibration: new Set(order.slice(heldOutCount)), heldOut: new Set(order.slice(0, heldOutCount)) };
}

export function holdoutReport(results: readonly QueryResult[], options: { fraction: number; seed: number; maxFalseHitRate: number; negativeLabel?: string }): HoldoutReport {
  const { calibration, heldOut } = splitLabels(results.map((r) => r.label), options.fraction, options.seed);
  const sweep = thresholdRange(0.3, 0.99, 0.01);
  const part = (labels: Set<string>) => results.filter((r) => labels.has(r.label));
  const choose = (rows: readonly QueryResult[]) =>
    recommendThreshold(sweep.map((t) => scoreThreshold(rows, t, options.negativeLabel)), options.maxFalseHitRate, "queries");
  const calibrated = choose(part(calibration));
  return {
    fraction: options.fraction,
    calibrationLabels: calibration.size,
    heldOutLabels: heldOut.size,
    maxFalseHitRate: options.maxFalseHitRate,
    calibrated: calibrated && roundPoint(calibrated),
    heldOut: calibrated && roundPoint(scoreThreshold(part(heldOut), calibrated.threshold, options.negativeLabel)),
    heldOutInSample: roundOrNull(choose(part(heldOut))),
  };
}

const roundPoint = (p: ThresholdPoint): ThresholdPoint => ({
  ...p,
  hitRate: round(p.hitRate, 4),
  correctHitRate: round(p.correctHitRate, 4),
  falseHitRate: round(p.falseHitRate, 4),
  wrongShareOfHits: round(p.wrongShareOfHits, 4),
});
const roundOrNull = (p: ThresholdPoint | null) => p && roundPoint(p);

export function holdoutText(report: HoldoutReport): string {
  const budget = pct(report.maxFalseHitRate, 0);
  if (!report.calibrated || !report.heldOut) {
    return `Holdout: no threshold up to 0.99 keeps false hits ≤ ${budget} on the ${report.calibrationLabels} calibration labels.`;
  }
  const at = (p: ThresholdPoint) => `hits ${pct(p.correctHitRate)} correct, ${pct(p.falseHitRate, 2)} false`;
  const inSample = report.heldOutInSample ? `${report.heldOutInSample.threshold.toFixed(2)}` : "none";
  return (
    `Holdout (${report.calibrationLabels} labels calibrate, ${report.heldOutLabels} held out; budget ≤ ${budget} false hits): ` +
    `threshold ${report.calibrated.threshold.toFixed(2)} (calibration: ${at(report.calibrated)}); ` +
    `on held-out labels: ${at(report.heldOut)} (their own best would have been ${inSample}).`
  );
}
