import { describe, expect, it } from "vitest";
import { holdoutReport, splitLabels } from "./cache-holdout";
import type { QueryResult } from "./cache-protocol";

const result = (label: string, bestLabel: string, similarity: number): QueryResult => ({
  text: `${label}?`,
  label,
  tenant: 0,
  line: 1,
  bestLabel,
  bestTenant: 0,
  similarity,
  lookupMs: 1,
  embedMs: 1,
});

describe("splitLabels", () => {
  it("splits the distinct labels by the fraction, the same way for the same seed", () => {
    const labels = Array.from({ length: 10 }, (_v, i) => `l${i}`);
    const a = splitLabels([...labels, ...labels], 0.3, 1);
    expect(a.heldOut.size).toBe(3);
    expect(a.calibration.size).toBe(7);
    expect([...a.heldOut].some((l) => a.calibration.has(l))).toBe(false);
    expect(splitLabels(labels, 0.3, 1)).toEqual(a);
    expect(splitLabels(labels, 0.3, 2).heldOut).not.toEqual(a.heldOut);
    expect(splitLabels(["x", "y"], 0.99, 1).calibration.size).toBe(1); // never an empty side
  });
});

describe("holdoutReport", () => {
  it("chooses the threshold on calibration labels only and reports the held-out labels at it", () => {
    const labels = Array.from({ length: 10 }, (_v, i) => `l${i}`);
    const { heldOut } = splitLabels(labels, 0.5, 7);
    // Calibration labels: right answers at 0.8, wrong ones at 0.6. Held-out labels: wrong answers at 0.85.
    const results = labels.flatMap((label) =>
      heldOut.has(label) ? [result(label, label, 0.9), result(label, "other", 0.85)] : [result(label, label, 0.8), result(label, "other", 0.6)],
    );
    const report = holdoutReport(results, { fraction: 0.5, seed: 7, maxFalseHitRate: 0.02, splits: 1 });
    const [split] = report.splits;
    expect(split.calibrated?.threshold).toBe(0.61);
    expect(split.heldOut).toMatchObject({ threshold: 0.61, queries: 10, correctHits: 5, falseHits: 5, falseHitRate: 0.5 });
    expect(split.heldOutInSample?.threshold).toBe(0.86); // what peeking at the held-out labels would pick
    expect(report).toMatchObject({ medianThreshold: 0.61, heldOutCorrectHitRate: 0.5, heldOutFalseHitRate: 0.5, worstHeldOutFalseHitRate: 0.5 });
  });

  it("repeats the split with successive seeds and summarises across them", () => {
    const labels = Array.from({ length: 20 }, (_v, i) => `l${i}`);
    // Every label: a right answer at 0.7 and, for odd labels, a wrong one at 0.65.
    const results = labels.flatMap((label, i) => [result(label, label, 0.7), ...(i % 2 ? [result(label, "other", 0.65)] : [])]);
    const report = holdoutReport(results, { fraction: 0.5, seed: 3, maxFalseHitRate: 0.02, splits: 4 });
    expect(report.splits).toHaveLength(4);
    expect(report.medianThreshold).toBe(0.66);
    expect(report.heldOutFalseHitRate).toBe(0);
    expect(report.heldOutCorrectHitRate).toBeGreaterThan(0.6);
  });
});
