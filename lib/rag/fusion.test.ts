import { describe, expect, it } from "vitest";
import { fuseRankings, RRF_K } from "@/lib/rag/fusion";

describe("fuseRankings (reciprocal rank fusion)", () => {
  it("scores 1/(k + rank) per list and ranks a chunk found by both searches first", () => {
    const fused = fuseRankings([
      { id: "vector-only", vectorRank: 1, textRank: null },
      { id: "both", vectorRank: 3, textRank: 2 },
      { id: "text-only", vectorRank: null, textRank: 1 },
    ]);
    expect(fused.map((f) => f.id)).toEqual(["both", "vector-only", "text-only"]);
    expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 2), 12);
    expect(fused[1].score).toBeCloseTo(1 / (RRF_K + 1), 12);
  });

  it("breaks ties by vector rank, then text rank, then id, so results are stable", () => {
    const fused = fuseRankings([
      { id: "b", vectorRank: null, textRank: 2 },
      { id: "a", vectorRank: 2, textRank: null },
      { id: "d", vectorRank: null, textRank: 5 },
      { id: "c", vectorRank: null, textRank: 5 },
    ]);
    expect(fused.map((f) => f.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("lets a smaller k widen the gap between top ranks", () => {
    const [sharp] = fuseRankings([{ id: "x", vectorRank: 1, textRank: null }], 1);
    expect(sharp.score).toBe(0.5);
    expect(fuseRankings([])).toEqual([]);
  });
});
