import { describe, expect, it } from "vitest";
import { fitByRank } from "./trim";

const tokens = (kept: readonly string[]) => 10 + kept.reduce((n, p) => n + p.length, 0);

describe("fitByRank", () => {
  it("keeps every passage when the prompt fits", () => {
    expect(fitByRank(["aaaa", "bbbb"], tokens, 100)).toEqual(["aaaa", "bbbb"]);
  });

  it("drops the lowest-ranked passages whole until the prompt fits", () => {
    const passages = ["best ".repeat(10), "second ".repeat(10), "third ".repeat(10)];
    const kept = fitByRank(passages, tokens, 10 + passages[0].length + passages[1].length);
    expect(kept).toEqual(passages.slice(0, 2));
    // Never a cut passage: every kept one is identical to its input.
    kept.forEach((p, i) => expect(p).toBe(passages[i]));
  });

  it("keeps nothing when even the best passage is too long", () => {
    expect(fitByRank(["x".repeat(500)], tokens, 100)).toEqual([]);
  });
});
