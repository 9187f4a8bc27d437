import { describe, expect, it } from "vitest";
import { uniformEvidence } from "@/tests/support/answer-evidence";
import type { Calibration } from "@/lib/ai/answer-calibration";
import { fitOn, scoreAsRun, simulate, splitQuestions, type CalibrationRecord } from "./calibration-split";
import type { Question } from "./questions";

const questions: Question[] = Array.from({ length: 40 }, (_, i) => ({
  id: `q${i}`,
  question: `question ${i}`,
  article_ids: [`a${i}`],
  expect_escalation: i < 8,
  answer: `the answer ${i}`,
}));


// Answerable questions get a right draft with strong evidence, except q8 (wrong article); held-out ones weak evidence.
const records = new Map<string, CalibrationRecord>(
  questions.map((q, i) => [
    q.id,
    {
      id: q.id,
      outcome: i <= 8 ? "escalated" : "answered",
      answer: `the answer ${i}`,
      cited_ids: i <= 8 ? [] : [`a${i}`],
      draft: `the answer ${i}`,
      draft_cited_ids: i === 8 ? ["other"] : [`a${i}`],
      evidence: uniformEvidence(i <= 8 ? 0.1 : 0.9),
    },
  ]),
);

describe("calibration split", () => {
  it("splits into disjoint halves with the same share of must-escalate questions, the same way every time", () => {
    const { tune, test } = splitQuestions(questions, 0.5, 1);
    expect(tune).toHaveLength(20);
    expect(test).toHaveLength(20);
    expect(test.filter((q) => q.expect_escalation)).toHaveLength(4);
    expect(new Set([...tune, ...test].map((q) => q.id)).size).toBe(40);
    expect(splitQuestions(questions, 0.5, 1).test.map((q) => q.id)).toEqual(test.map((q) => q.id));
  });

  it("fits on one split and scores what the pipeline would do at a threshold", () => {
    const { tune, test } = splitQuestions(questions, 0.5, 1);
    const fitted = fitOn(tune, records, "test");
    const score = simulate(test, records, fitted, 0.7);
    expect(score.escalation.recall).toBe(1);
    expect(score.escalation.precision).toBe(1);
    expect(score.answeredCorrect).toBeCloseTo(test.filter((q) => Number(q.id.slice(1)) >= 9).length / test.filter((q) => !q.expect_escalation).length, 4);
    expect(score.tokenF1).toBe(1);
    const never: Calibration = { ...fitted, bias: -100 };
    expect(simulate(test, records, never, 0.7)).toMatchObject({ answered: 0, answeredCorrect: 0, tokenF1: null });
  });

  it("scores a run as it went, from its outcomes and citations", () => {
    const score = scoreAsRun(questions, records);
    expect(score.answered).toBe(31);
    expect(score.answeredCorrect).toBeCloseTo(31 / 32, 4);
    expect(score.escalation).toMatchObject({ truePositives: 8, falsePositives: 1, falseNegatives: 0 });
  });
});
