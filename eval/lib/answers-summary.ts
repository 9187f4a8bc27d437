import type { AnswerEvidence } from "@/lib/ai/answer-calibration";
import { mean, recallAtK, scoreEscalation, tokenF1, type EscalationScore } from "./answer-metrics";
import type { Outcome } from "./chat-client";
import type { Question } from "./questions";
import { ratio, round, summarize, type Distribution } from "./stats";

/** One line of --out. */
export interface AnswerRecord {
  id: string;
  outcome: Outcome;
  answer: string;
  cited_ids: string[];
  confidence: number | null;
  latency_ms: number;
  ttfb_ms: number | null;
  model_calls: number | null;
  retrieved_ids: string[];
  escalation_reason: string | null;
  error: string | null;
  /** KB ids the draft cited, also when it was escalated (calibration labels drafts by them). */
  draft_cited_ids: string[];
  draft: string | null;
  evidence: AnswerEvidence | null;
  /** From the question reaching the agent to the first generated token, and the output rate. */
  ttft_ms: number | null;
  tokens_per_second: number | null;
}

export interface AnswersSummary {
  questions: number;
  outcomes: Record<Outcome, number>;
  k: number;
  /** Mean recall@k of article_ids among the retrieved KB ids (questions that reached retrieval). */
  retrievedRecallAtK: { value: number | null; questions: number };
  /** Mean recall@k of article_ids among the cited KB ids (answered and cache-hit questions). */
  citedRecallAtK: { value: number | null; questions: number };
  escalation: EscalationScore & { questions: number };
  /** Mean token F1 against the reference answer (answered and cache-hit questions). */
  tokenF1: { value: number | null; questions: number };
  /**
   * Of the questions the KB can answer (articles known, not expected to escalate), the
   * share answered (or served from cache) citing one of their articles.
   */
  answeredCorrect: { value: number | null; correct: number; questions: number };
  /** Generation speed of the answers a model (or the offline answerer) wrote. */
  ttftMs: Distribution;
  tokensPerSecond: Distribution;
  latencyMs: Record<"all" | Outcome, Distribution>;
  ttfbMs: Distribution;
}

const OUTCOMES: Outcome[] = ["answered", "escalated", "cache_hit", "error"];

function rounded(d: Distribution): Distribution {
  return { ...d, min: round(d.min), mean: round(d.mean), p50: round(d.p50), p90: round(d.p90), p99: round(d.p99), max: round(d.max) };
}

/**
 * The run's figures. Questions expected to escalate are left out of recall (their
 * articles are not in the KB by design); errors are left out of escalation scoring.
 */
export function summarizeAnswers(questions: readonly Question[], records: readonly AnswerRecord[], k: number): AnswersSummary {
  const byId = new Map(records.map((r) => [r.id, r]));
  const pairs = questions.flatMap((q) => {
    const r = byId.get(q.id);
    return r ? [{ q, r }] : [];
  });
  const withArticles = pairs.filter(({ q }) => (q.article_ids?.length ?? 0) > 0 && q.expect_escalation !== true);
  const reachedRetrieval = withArticles.filter(({ r }) => r.outcome === "answered" || r.outcome === "escalated");
  const answered = (r: AnswerRecord) => r.outcome === "answered" || r.outcome === "cache_hit";
  const cited = withArticles.filter(({ r }) => answered(r));
  const correct = cited.filter(({ q, r }) => r.cited_ids.some((id) => q.article_ids!.includes(id))).length;
  const escalationPairs = pairs.filter(({ q, r }) => q.expect_escalation !== undefined && r.outcome !== "error");
  const f1 = pairs.filter(({ q, r }) => q.answer && answered(r)).map(({ q, r }) => tokenF1(r.answer, q.answer!));
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, records.filter((r) => r.outcome === o).length])) as Record<Outcome, number>;
  const latency = Object.fromEntries(
    [["all", records] as const, ...OUTCOMES.map((o) => [o, records.filter((r) => r.outcome === o)] as const)].map(([name, rs]) => [
      name,
      rounded(summarize(rs.map((r) => r.latency_ms))),
    ]),
  ) as AnswersSummary["latencyMs"];
  return {
    questions: records.length,
    outcomes,
    k,
    retrievedRecallAtK: { value: round(mean(reachedRetrieval.map(({ q, r }) => recallAtK(q.article_ids!, r.retrieved_ids, k))), 4), questions: reachedRetrieval.length },
    citedRecallAtK: { value: round(mean(cited.map(({ q, r }) => recallAtK(q.article_ids!, r.cited_ids, k))), 4), questions: cited.length },
    escalation: {
      ...scoreEscalation(escalationPairs.map(({ q, r }) => ({ expected: q.expect_escalation!, escalated: r.outcome === "escalated" }))),
      questions: escalationPairs.length,
    },
    tokenF1: { value: round(mean(f1), 4), questions: f1.length },
    answeredCorrect: {
      value: round(ratio(correct, withArticles.length), 4),
      correct,
      questions: withArticles.length,
    },
    ttftMs: rounded(summarize(records.flatMap((r) => (r.ttft_ms === null ? [] : [r.ttft_ms])))),
    tokensPerSecond: rounded(summarize(records.flatMap((r) => (r.tokens_per_second === null ? [] : [r.tokens_per_second])))),
    latencyMs: latency,
    ttfbMs: rounded(summarize(records.flatMap((r) => (r.ttfb_ms === null ? [] : [r.ttfb_ms])))),
  };
}
