import { describe, expect, it } from "vitest";
import { coresBusy, quarterFloors } from "./server-monitor";

/** A garbage-collected heap: RSS climbs 10 MB a second and drops back every 20 s, on a floor that rises `leak` MB/min. */
function sawtooth(seconds: number, leak: number): Array<[number, number]> {
  return Array.from({ length: seconds + 1 }, (_v, t) => [t, 500 + (t % 20) * 10 + (leak * t) / 60] as [number, number]);
}

describe("quarterFloors", () => {
  it("sees a flat floor under a sawtooth, and a leak as a rising one", () => {
    expect(quarterFloors(sawtooth(300, 0), 0, 300)).toEqual([500, 500, 500, 500]);
    const leaking = quarterFloors(sawtooth(300, 12), 0, 300) as number[];
    expect(leaking[3] - leaking[1]).toBeGreaterThan(25);
  });

  it("is null for a quarter without samples", () => {
    expect(quarterFloors([[1, 500]], 0, 300)).toEqual([500, null, null, null]);
  });
});

describe("coresBusy", () => {
  it("divides the CPU seconds used inside the window by its length", () => {
    expect(coresBusy([[0, 10], [10, 15], [20, 25], [30, 40]], 10, 30)).toBe(1.25);
    expect(coresBusy([[0, 10]], 0, 30)).toBeNull();
  });
});
