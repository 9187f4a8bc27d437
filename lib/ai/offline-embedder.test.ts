import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  EMBEDDING_DIMENSIONS,
  embedOffline,
  embedOfflineMany,
  OFFLINE_EMBEDDING_MODEL_ID,
} from "@/lib/ai/offline-embedder";
import { cosineSimilarity } from "@/lib/ai/vector";

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const similarity = (a: string, b: string) => cosineSimilarity(embedOffline(a), embedOffline(b));

describe("embedOffline", () => {
  it("returns an L2-normalised vector of 1536 finite numbers", () => {
    const v = embedOffline("How do I reset my password?");
    expect(EMBEDDING_DIMENSIONS).toBe(1536);
    expect(v).toHaveLength(1536);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(norm(v)).toBeCloseTo(1, 12);
    expect(v.filter((x) => x !== 0).length).toBeGreaterThan(20);
  });

  it("is deterministic across calls and matches embedOfflineMany", () => {
    const texts = ["Where is my parcel?", "Cancel my subscription", "Wo ist mein Paket?"];
    expect(embedOfflineMany(texts)).toEqual(texts.map((t) => embedOffline(t)));
    expect(embedOffline(texts[0])).toEqual(embedOffline(texts[0]));
  });

  // Vectors stored under OFFLINE_EMBEDDING_MODEL_ID must stay comparable with new ones:
  // if this fingerprint changes, bump the model id (then update the fingerprint).
  it("produces the vectors recorded for offline-hash-v1", () => {
    expect(OFFLINE_EMBEDDING_MODEL_ID).toBe("offline-hash-v1");
    const v = embedOffline("Why was my card payment declined at the café? I can't pay!");
    const fingerprint = createHash("sha256").update(v.map((x) => x.toFixed(6)).join(",")).digest("hex");
    expect(fingerprint).toBe("a5957d90e69bd9ea30c713881e92a78224defba73d70b30018b07b31dbf54f38");
  });

  it("gives the zero vector for text without words, so its cosine with anything is 0", () => {
    for (const blank of ["", "   \n\t", "?!… --"]) {
      const v = embedOffline(blank);
      expect(v).toHaveLength(1536);
      expect(v.every((x) => x === 0)).toBe(true);
      expect(cosineSimilarity(v, embedOffline("refund"))).toBe(0);
    }
  });

  it("ignores case, accents, punctuation and Unicode compatibility forms", () => {
    expect(similarity("Café PAYMENTS!", "cafe payments")).toBeCloseTo(1, 12);
    expect(similarity("ﬁnal invoice", "final invoice")).toBeCloseTo(1, 12);
  });

  it("matches inflections and contractions through stemming", () => {
    expect(similarity("verifying my top-ups", "verify my top-ups")).toBeGreaterThan(0.85);
    expect(similarity("verified the payments", "verify the payment")).toBeGreaterThan(0.85);
    expect(similarity("my card isn't working", "my card is not working")).toBeCloseTo(1, 12);
    expect(similarity("charges applied", "charge applies")).toBeGreaterThan(0.85);
  });

  it("scores a paraphrase far above an unrelated question", () => {
    const question = "How can I reset my password?";
    const paraphrase = similarity(question, "I forgot my password, how do I reset it?");
    const unrelated = similarity(question, "What are your opening hours on Sunday?");
    expect(paraphrase).toBeGreaterThan(0.5);
    expect(unrelated).toBeLessThan(0.15);
    expect(paraphrase - unrelated).toBeGreaterThan(0.4);
  });

  it("lets topic words outweigh shared filler words", () => {
    const question = "How do I cancel my subscription?";
    expect(similarity(question, "cancel subscription")).toBeGreaterThan(similarity(question, "How do I change my address?"));
  });

  it("tolerates typos through character n-grams", () => {
    expect(similarity("where is my refund", "where is my refnud")).toBeGreaterThan(
      similarity("where is my refund", "where is my parcel"),
    );
  });
});
