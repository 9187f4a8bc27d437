import { describe, expect, it } from "vitest";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { combineConfidence } from "./nodes/assess-confidence";
import { answerPrompt, citedNumbers, numberedContext, renumberCitations } from "./prompts";

const chunk = (title: string, content: string): RetrievedChunk => ({
  id: title,
  sourceId: null,
  content,
  title,
  url: null,
  page: null,
  headingPath: [],
  score: 0,
  vectorSimilarity: null,
  vectorRank: null,
  textRank: null,
});

describe("prompt assembly and citations", () => {
  it("numbers the chunks the way the answer cites them and caps long chunks", () => {
    const context = numberedContext([chunk("A", "alpha"), chunk("B", "b".repeat(3_000))]);
    expect(context).toMatch(/^\[1\] Title: A\nalpha/);
    expect(context).toContain("[2] Title: B\n");
    expect(context.length).toBeLessThan(2_200);
    expect(answerPrompt("Why?", [chunk("A", "alpha")])).toContain("Customer question: Why?");
  });

  it("reads cited passage numbers in order of first use, ignoring out-of-range ones", () => {
    expect(citedNumbers("See [3] and [1], again [3]; not [9] or [0].", 3)).toEqual([3, 1]);
    expect(citedNumbers("No citations here.", 3)).toEqual([]);
  });

  it("renumbers citations to their position in the citation list", () => {
    expect(renumberCitations("First [3], then [1][3], unknown [7].", [3, 1])).toBe("First [1], then [2][1], unknown [7].");
  });

  it("weighs the model's score against retrieval evidence", () => {
    expect(combineConfidence(1, 1)).toBe(1);
    expect(combineConfidence(0.95, 0.2)).toBeGreaterThanOrEqual(0.7);
    expect(combineConfidence(0.1, 1)).toBeLessThan(0.7);
    expect(combineConfidence(0.8, 0)).toBeLessThan(0.7);
  });
});
