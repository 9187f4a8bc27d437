import { describe, expect, it } from "vitest";
import { histogram, linearSlope, percentile, ratio, summarize } from "./stats";

describe("percentile", () => {
  it("interpolates between closest ranks", () => {
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });

  it("is null for no data", () => {
    expect(percentile([], 50)).toBeNull();
  });
});

describe("summarize", () => {
  it("gives count, mean and percentiles, ignoring non-finite values", () => {
    const d = summarize([4, 1, 3, 2, Number.NaN]);
    expect(d).toMatchObject({ count: 4, min: 1, max: 4, mean: 2.5, p50: 2.5 });
    expect(d.p99).toBeCloseTo(3.97);
  });
});

describe("histogram", () => {
  it("bins values over the range, clamping the outside ones into the end bins", () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 2, -1], 2, [0, 1]);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([3, 4]);
  });
});

describe("linearSlope", () => {
  it("fits a least-squares line", () => {
    expect(linearSlope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(linearSlope([[1, 1]])).toBeNull();
    expect(linearSlope([[1, 1], [1, 2]])).toBeNull();
  });
});

describe("ratio", () => {
  it("is null instead of NaN for an empty whole", () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
});
