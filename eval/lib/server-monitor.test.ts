import { describe, expect, it } from "vitest";
import { coresBusy, rssFloors } from "./server-monitor";

/** A garbage-collected heap: RSS climbs 10 MB a second and drops back every 20 s, on a floor that rises `leak` MB/min. */
function sawtooth(seconds: number, leak: number): Array<[number, number]> {
  return Array.from({ length: seconds + 1 }, (_v, t) => [t, 500 + (t % 20) * 10 + (leak * t) / 60] as [number, number]);
}

describe("rssFloors", () => {
  it("sees a flat floor under a sawtooth whose slope depends on where the window ends", () => {
    const { floors, growthPerMin } = rssFloors(sawtooth(300, 0), 0, 300);
    expect(floors).toEqual([500, 500, 500, 500]);
    expect(growthPerMin).toBe(0);
  });

  it("sees a leak as a rising floor (within where the lowest tooth falls in a quarter)", () => {
    const growth = rssFloors(sawtooth(300, 12), 0, 300).growthPerMin!;
    expect(growth).toBeGreaterThan(10);
    expect(growth).toBeLessThan(14);
  });

  it("is null without samples in the quarters it compares", () => {
    expect(rssFloors([[1, 500]], 0, 300)).toEqual({ floors: [500, null, null, null], growthPerMin: null });
  });
});

describe("coresBusy", () => {
  it("divides the CPU seconds used inside the window by its length", () => {
    expect(coresBusy([[0, 10], [10, 15], [20, 25], [30, 40]], 10, 30)).toBe(1.25);
    expect(coresBusy([[0, 10]], 0, 30)).toBeNull();
  });
});
