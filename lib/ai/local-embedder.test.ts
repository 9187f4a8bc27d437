import { describe, expect, it } from "vitest";
import { getEmbedder, MINILM_MODEL_ID_PREFIX } from "@/lib/ai/embeddings";
import { planBatches } from "@/lib/ai/local-embedder";
import { cosineSimilarity } from "@/lib/ai/vector";

// CI fetches the model before the tests (`npm run models:fetch` in .ci/run), so with no
// OpenAI key the default embedder must be the local neural one.
describe("the local MiniLM embedder (default with no API key)", () => {
  const embedder = getEmbedder();

  it("is the default and names its exact weights", () => {
    expect(embedder.modelId).toMatch(new RegExp(`^${MINILM_MODEL_ID_PREFIX}:[0-9a-f]{8}$`));
  });

  it("places paraphrases with no shared words closer than unrelated questions", async () => {
    const [question, paraphrase, unrelated] = await embedder.embed([
      "How do I cancel my subscription?",
      "I want to stop paying for my plan",
      "What time does the shop open on Sunday?",
    ]);
    expect(question).toHaveLength(1536);
    expect(Math.hypot(...question)).toBeCloseTo(1, 4);
    expect(question.slice(384).every((x) => x === 0)).toBe(true); // 384 dimensions, zero-padded
    expect(cosineSimilarity(question, paraphrase)).toBeGreaterThan(cosineSimilarity(question, unrelated) + 0.2);
  });

  it("gives concurrent single questions (micro-batched) the vectors they get alone", async () => {
    const texts = ["Where is my parcel?", "Can I change my delivery address after ordering a new sofa?", "refund", "Do you ship abroad?"];
    const alone: number[][] = [];
    for (const t of texts) alone.push((await embedder.embed([`${t} `]))[0]); // a different key than below: no LRU
    const together = await Promise.all(texts.map((t) => embedder.embed([t]).then((v) => v[0])));
    together.forEach((v, i) => expect(cosineSimilarity(v, alone[i])).toBeGreaterThan(0.999));
    // A repeated question is answered from the LRU with the same vector.
    expect(await embedder.embed([texts[1]])).toEqual([together[1]]);
  });
});

describe("planBatches", () => {
  it("covers every text once, sorts by length and bounds padded tokens per batch", () => {
    const texts = [..."x".repeat(30)].map((_c, i) => "word ".repeat((i * 37) % 400));
    const batches = planBatches(texts);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(texts.map((_t, i) => i));
    const tokens = (i: number) => Math.min(256, Math.ceil(texts[i].length / 4) + 2);
    for (const batch of batches) expect(batch.length * Math.max(...batch.map(tokens))).toBeLessThanOrEqual(8 * 256);
    expect(planBatches(Array.from({ length: 200 }, () => "short")).map((b) => b.length)).toEqual([64, 64, 64, 8]);
    expect(planBatches([])).toEqual([]);
  });
});
