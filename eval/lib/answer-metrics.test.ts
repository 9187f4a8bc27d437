import { describe, expect, it } from "vitest";
import { answerTokens, mean, recallAtK, scoreEscalation, tokenF1 } from "./answer-metrics";

describe("recallAtK", () => {
  it("counts expected ids among the first k distinct ranked ids", () => {
    expect(recallAtK(["a", "b"], ["x", "a", "a", "y", "b"], 3)).toBe(0.5);
    expect(recallAtK(["a", "b"], ["x", "a", "a", "y", "b"], 4)).toBe(1);
    expect(recallAtK(["a"], [], 5)).toBe(0);
  });

  it("is null when nothing is expected", () => {
    expect(recallAtK([], ["a"], 5)).toBeNull();
  });
});

describe("scoreEscalation", () => {
  it("computes precision and recall of escalating", () => {
    const score = scoreEscalation([
      { expected: true, escalated: true },
      { expected: true, escalated: false },
      { expected: false, escalated: true },
      { expected: false, escalated: true },
      { expected: false, escalated: false },
    ]);
    expect(score).toMatchObject({ truePositives: 1, falseNegatives: 1, falsePositives: 2, trueNegatives: 1 });
    expect(score.precision).toBeCloseTo(1 / 3);
    expect(score.recall).toBe(0.5);
  });

  it("leaves precision undefined when nothing escalated", () => {
    expect(scoreEscalation([{ expected: true, escalated: false }])).toMatchObject({ precision: null, recall: 0 });
  });
});

describe("tokenF1", () => {
  it("drops case, punctuation, articles, citation markers and link targets", () => {
    expect(answerTokens("The [Wix Payments](https://x.y/z) page [1]!")).toEqual(["wix", "payments", "page"]);
  });

  it("scores token overlap", () => {
    expect(tokenF1("the cat sat", "a cat sat down")).toBeCloseTo((2 * 1 * (2 / 3)) / (1 + 2 / 3));
    expect(tokenF1("dog", "cat")).toBe(0);
    expect(tokenF1("Same answer.", "same ANSWER")).toBe(1);
  });

  it("counts repeated tokens only as often as the reference has them", () => {
    expect(tokenF1("yes yes yes", "yes")).toBeCloseTo(0.5);
  });
});

describe("mean", () => {
  it("ignores nulls", () => {
    expect(mean([1, null, 3])).toBe(2);
    expect(mean([null])).toBeNull();
  });
});
