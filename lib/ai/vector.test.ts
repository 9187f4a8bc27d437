import { describe, expect, it } from "vitest";
import { cosineSimilarity, EMBEDDING_DIMENSIONS, padEmbedding, toPgVector } from "@/lib/ai/vector";

describe("padEmbedding", () => {
  it("zero-pads a shorter vector to 1536 dimensions without changing cosine similarity", () => {
    const a = [0.1, -0.4, 0.7];
    const b = [0.3, 0.2, -0.1];
    const paddedA = padEmbedding(a);
    expect(paddedA).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(paddedA.slice(0, 3)).toEqual(a);
    expect(paddedA.slice(3).every((x) => x === 0)).toBe(true);
    expect(cosineSimilarity(paddedA, padEmbedding(b))).toBeCloseTo(cosineSimilarity(a, b), 12);
  });

  it("honours a custom width and returns full-width vectors unchanged", () => {
    expect(padEmbedding([1, 2], 4)).toEqual([1, 2, 0, 0]);
    const full = [1, 2, 3];
    expect(padEmbedding(full, 3)).toBe(full);
  });

  it("refuses a vector wider than the store with a message naming both sizes", () => {
    expect(() => padEmbedding(new Array(3072).fill(0.1))).toThrow(/3072 dimensions .* at most 1536/);
  });
});

describe("cosineSimilarity", () => {
  it("is 1 for the same direction, 0 for orthogonal, -1 for opposite vectors", () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, -1], [-1, 1])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([3, 4], [4, 3])).toBeCloseTo(24 / 25, 12);
  });

  it("is 0 against a zero vector instead of NaN", () => {
    expect(cosineSimilarity([0, 0, 0], [1, 2, 3])).toBe(0);
  });

  it("rejects vectors of different widths", () => {
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe("toPgVector", () => {
  it("writes pgvector's text literal", () => {
    expect(toPgVector([1, -2.5, 0, 1e-7])).toBe("[1,-2.5,0,1e-7]");
    expect(toPgVector([])).toBe("[]");
  });

  it("rejects values pgvector cannot store", () => {
    expect(() => toPgVector([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => toPgVector([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});
