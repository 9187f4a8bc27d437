import { describe, expect, it } from "vitest";
import { summarizeAnswers, type AnswerRecord } from "./answers-summary";
import type { Question } from "./questions";

function record(id: string, outcome: AnswerRecord["outcome"], extra: Partial<AnswerRecord> = {}): AnswerRecord {
  return { id, outcome, answer: "", cited_ids: [], confidence: null, latency_ms: 100, ttfb_ms: 50, model_calls: 0, retrieved_ids: [], escalation_reason: null, error: null, draft_cited_ids: [], draft: null, evidence: null, ttft_ms: null, tokens_per_second: null, ...extra };
}

const questions: Question[] = [
  { id: "1", question: "q1", article_ids: ["a"], expect_escalation: false, answer: "reset the password" },
  { id: "2", question: "q2", article_ids: ["b", "c"], expect_escalation: false },
  { id: "3", question: "q3", article_ids: ["held"], expect_escalation: true },
  { id: "4", question: "q4", expect_escalation: false, answer: "anything" },
  { id: "5", question: "q5", article_ids: ["d"] },
];

const records = [
  record("1", "answered", { answer: "Reset the password [1].", cited_ids: ["a"], retrieved_ids: ["a", "x"], latency_ms: 200 }),
  record("2", "escalated", { retrieved_ids: ["x", "b"], latency_ms: 300 }),
  record("3", "escalated", { retrieved_ids: ["x"], latency_ms: 400 }),
  record("4", "error", { ttfb_ms: null, latency_ms: 10 }),
  record("5", "cache_hit", { cited_ids: ["d"], latency_ms: 20 }),
];

describe("summarizeAnswers", () => {
  const s = summarizeAnswers(questions, records, 1);

  it("counts outcomes", () => {
    expect(s.outcomes).toEqual({ answered: 1, escalated: 2, cache_hit: 1, error: 1 });
  });

  it("measures retrieved recall@k over questions that reached retrieval, leaving out expected escalations", () => {
    // q1: a in top-1 → 1; q2: top-1 is x → 0; q3 expected to escalate: excluded.
    expect(s.retrievedRecallAtK).toEqual({ value: 0.5, questions: 2 });
  });

  it("measures cited recall over answered and cache-hit questions", () => {
    expect(s.citedRecallAtK).toEqual({ value: 1, questions: 2 });
  });

  it("scores escalation on questions with an expectation, without errors", () => {
    expect(s.escalation).toMatchObject({ questions: 3, truePositives: 1, falsePositives: 1, trueNegatives: 1, precision: 0.5, recall: 1 });
  });

  it("computes token F1 only for answered questions with a reference", () => {
    expect(s.tokenF1).toEqual({ value: 1, questions: 1 });
  });

  it("gives latency percentiles overall and per outcome, and ttfb without missing values", () => {
    expect(s.latencyMs.all).toMatchObject({ count: 5, p50: 200, max: 400 });
    expect(s.latencyMs.escalated).toMatchObject({ count: 2, p50: 350 });
    expect(s.ttfbMs.count).toBe(4);
  });
});
