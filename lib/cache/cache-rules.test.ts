import { describe, expect, it } from "vitest";
import type { CacheHit } from "@/lib/cache/port";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { pickBestHit } from "@/lib/cache/ranking";
import { cacheSettingsFor, MINILM_SIMILARITY_THRESHOLD, OFFLINE_SIMILARITY_THRESHOLD, withSimilarityThreshold } from "@/lib/cache/settings";

const hit = (id: string, similarity: number, source: "ai" | "human"): CacheHit => ({
  id,
  question: id,
  answer: id,
  source,
  citations: [],
  similarity,
});

describe("normalizeQuestion", () => {
  it("ignores case, spacing and punctuation but keeps words and numbers", () => {
    expect(normalizeQuestion("  How do I   reset my PASSWORD?! ")).toBe("how do i reset my password");
    expect(normalizeQuestion("Plan 2, or plan 3?")).toBe("plan 2 or plan 3");
    expect(normalizeQuestion("Ça coûte combien ?")).toBe("ça coûte combien");
    expect(normalizeQuestion("???")).toBe("???");
  });
});

describe("pickBestHit", () => {
  it("returns the most similar entry at or above the threshold", () => {
    expect(pickBestHit([hit("a", 0.91, "ai"), hit("b", 0.95, "ai")], 0.9)?.id).toBe("b");
    expect(pickBestHit([hit("a", 0.9, "ai")], 0.9)?.id).toBe("a");
    expect(pickBestHit([hit("a", 0.89, "human")], 0.9)).toBeNull();
    expect(pickBestHit([], 0.9)).toBeNull();
  });

  it("prefers a human entry within the margin, not beyond it", () => {
    expect(pickBestHit([hit("ai", 0.97, "ai"), hit("human", 0.955, "human")], 0.9)?.id).toBe("human");
    expect(pickBestHit([hit("ai", 0.97, "ai"), hit("human", 0.94, "human")], 0.9)?.id).toBe("ai");
    // A human entry below the threshold never wins, however close.
    expect(pickBestHit([hit("ai", 0.905, "ai"), hit("human", 0.895, "human")], 0.9)?.id).toBe("ai");
  });
});

describe("cacheSettingsFor", () => {
  it("defaults per embedding model and to a 7-day TTL", () => {
    expect(cacheSettingsFor({}, "openai:text-embedding-3-small")).toEqual({ similarityThreshold: 0.9, ttlDays: 7 });
    expect(cacheSettingsFor(null, "offline-hash-v1")).toEqual({ similarityThreshold: OFFLINE_SIMILARITY_THRESHOLD, ttlDays: 7 });
    expect(cacheSettingsFor({}, "local:all-MiniLM-L6-v2-int8:8199be6f")).toEqual({ similarityThreshold: MINILM_SIMILARITY_THRESHOLD, ttlDays: 7 });
  });

  it("applies the tenant's override for the current model only, and ignores malformed ones", () => {
    const settings = { cache_similarity_thresholds: { "offline-hash-v1": 0.85 }, cache_ttl_days: 30, branding: {} };
    expect(cacheSettingsFor(settings, "offline-hash-v1")).toEqual({ similarityThreshold: 0.85, ttlDays: 30 });
    expect(cacheSettingsFor(settings, "openai:x")).toEqual({ similarityThreshold: 0.9, ttlDays: 30 });
    const broken = { cache_similarity_thresholds: { "openai:x": 7 }, cache_ttl_days: "soon" };
    expect(cacheSettingsFor(broken, "openai:x")).toEqual({ similarityThreshold: 0.9, ttlDays: 7 });
    expect(cacheSettingsFor({ cache_similarity_thresholds: "high" }, "openai:x").similarityThreshold).toBe(0.9);
  });

  it("sets and clears one model's threshold, keeping the others and every other setting", () => {
    const start = { cache_ttl_days: 3, cache_similarity_thresholds: { "openai:x": 0.92 } };
    const set = withSimilarityThreshold(start, "offline-hash-v1", 0.7);
    expect(set).toEqual({ cache_ttl_days: 3, cache_similarity_thresholds: { "openai:x": 0.92, "offline-hash-v1": 0.7 } });
    expect(withSimilarityThreshold(set, "openai:x", null)).toEqual({ cache_ttl_days: 3, cache_similarity_thresholds: { "offline-hash-v1": 0.7 } });
    expect(withSimilarityThreshold({ cache_ttl_days: 3, cache_similarity_thresholds: { a: 0.5 } }, "a", null)).toEqual({ cache_ttl_days: 3 });
  });
});
