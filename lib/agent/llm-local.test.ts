import { describe, expect, it } from "vitest";
import { fakeLocalEngine } from "@/tests/support/fake-local-engine";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { escalationReasonOf, judgeWithLocalModel } from "./llm";
import { AppError } from "@/lib/errors";
import { MODEL_BUSY_MESSAGE } from "@/lib/ai/local-llm/queue";

function chunk(n: number, words: number): RetrievedChunk {
  return {
    id: `c${n}`,
    sourceId: null,
    content: `passage-${n}-start ${"word ".repeat(words)}passage-${n}-end`,
    title: `Article ${n}`,
    url: null,
    page: null,
    headingPath: [],
    score: 1 / n,
    vectorSimilarity: null,
    vectorRank: n,
    textRank: n,
  };
}

describe("judgeWithLocalModel", () => {
  it("asks the relevance question over the passages, calibrated", async () => {
    const engine = fakeLocalEngine({ yes: 0.8 });
    const { kept, relevance } = await judgeWithLocalModel({ engine: async () => engine, calibration: { a: 1, b: 0 } }, "How?", [chunk(1, 10)]);
    expect(kept).toHaveLength(1);
    expect(relevance).toBeCloseTo(0.8, 5);
    expect(engine.calls.yes[0]).toMatch(/passage-1-end[\s\S]*<question>\nHow\?\n<\/question>[\s\S]*contain the answer/);
    const shifted = await judgeWithLocalModel({ engine: async () => engine, calibration: { a: 1, b: -1 } }, "How?", [chunk(1, 10)]);
    expect(shifted.relevance).toBeLessThan(0.8);
  });

  it("drops the lowest-ranked passages whole when the prompt exceeds the context", async () => {
    // 300-word passages are ~400 tokens each; 1200 context - 512 reserved leaves room for one.
    const engine = fakeLocalEngine({ contextTokens: 1_200 });
    const chunks = [chunk(1, 300), chunk(2, 300), chunk(3, 300)];
    const { kept } = await judgeWithLocalModel({ engine: async () => engine, calibration: { a: 1, b: 0 } }, "How?", chunks);
    expect(kept.map((c) => c.id)).toEqual(["c1"]);
    const prompt = engine.calls.yes[0];
    expect(prompt).toContain("passage-1-start");
    expect(prompt).toContain("passage-1-end");
    expect(prompt).not.toContain("passage-2-start");
  });

  it("keeps the prompt within LOCAL_LLM_PROMPT_TOKENS even when the context is larger", async () => {
    // Default 1,200 tokens: two ~400-token passages fit, the third does not.
    const engine = fakeLocalEngine({ contextTokens: 32_768 });
    const chunks = [chunk(1, 300), chunk(2, 300), chunk(3, 300)];
    const { kept } = await judgeWithLocalModel({ engine: async () => engine, calibration: { a: 1, b: 0 } }, "How?", chunks);
    expect(kept.map((c) => c.id)).toEqual(["c1", "c2"]);
    expect(engine.calls.yes[0]).toContain("passage-2-end");
    expect(engine.calls.yes[0]).not.toContain("passage-3-start");
  });

  it("asks nothing when not even the best passage fits", async () => {
    const engine = fakeLocalEngine({ contextTokens: 600 });
    const result = await judgeWithLocalModel({ engine: async () => engine, calibration: { a: 1, b: 0 } }, "How?", [chunk(1, 400)]);
    expect(result).toEqual({ kept: [], relevance: 0 });
    expect(engine.calls.yes).toHaveLength(0);
  });
});

describe("escalationReasonOf", () => {
  it("tells a busy local model from other failures", () => {
    expect(escalationReasonOf(new AppError("rate_limited", MODEL_BUSY_MESSAGE))).toBe("model_busy");
    expect(escalationReasonOf(new Error("boom"))).toBe("model_error");
  });
});
