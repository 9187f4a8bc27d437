import { EVIDENCE_FEATURES, fitCalibration, confidenceFromEvidence, type AnswerEvidence, type Calibration } from "@/lib/ai/answer-calibration";
import { mean, scoreEscalation, tokenF1, type EscalationScore } from "./answer-metrics";
import type { Question } from "./questions";
import { seededRandom, shuffled } from "./random";
import { ratio, round } from "./stats";

/** What calibration needs of one eval:answers line. */
export interface CalibrationRecord {
  id: string;
  outcome: string;
  answer: string;
  cited_ids: string[];
  draft: string | null;
  draft_cited_ids: string[];
  evidence: AnswerEvidence | null;
}

/** Tune and test halves, each with the same share of must-escalate questions (seeded). */
export function splitQuestions(questions: readonly Question[], testShare: number, seed: number): { tune: Question[]; test: Question[] } {
  const random = seededRandom(seed);
  const tune: Question[] = [];
  const test: Question[] = [];
  for (const group of [questions.filter((q) => q.expect_escalation === true), questions.filter((q) => q.expect_escalation !== true)]) {
    const order = shuffled(group, random);
    const cut = Math.round(order.length * testShare);
    test.push(...order.slice(0, cut));
    tune.push(...order.slice(cut));
  }
  return { tune, test };
}

/** A draft is right when its question can be answered and it cites one of the question's articles. */
function isCorrect(question: Question, record: CalibrationRecord): boolean {
  return question.expect_escalation !== true && record.draft_cited_ids.some((id) => question.article_ids?.includes(id));
}

export interface SimulatedScore {
  questions: number;
  answered: number;
  /** Answered citing a right article, over the questions the KB can answer. */
  answeredCorrect: number | null;
  escalation: EscalationScore;
  tokenF1: number | null;
}

/** What the pipeline would do with this calibration and threshold: answer when confidence >= threshold. */
export function simulate(questions: readonly Question[], records: ReadonlyMap<string, CalibrationRecord>, calibration: Calibration, threshold: number): SimulatedScore {
  const rows = questions.map((q) => {
    const r = records.get(q.id);
    const answered = Boolean(r?.evidence && r.draft && confidenceFromEvidence(r.evidence, calibration) >= threshold);
    return { q, r, answered };
  });
  const answerable = rows.filter(({ q }) => q.expect_escalation !== true && (q.article_ids?.length ?? 0) > 0);
  const correct = answerable.filter(({ q, r, answered }) => answered && r && isCorrect(q, r)).length;
  const f1 = rows.filter(({ q, answered }) => answered && q.answer).map(({ q, r }) => tokenF1(r!.draft!, q.answer!));
  return {
    questions: rows.length,
    answered: rows.filter((x) => x.answered).length,
    answeredCorrect: round(ratio(correct, answerable.length), 4),
    escalation: scoreEscalation(rows.map(({ q, answered }) => ({ expected: q.expect_escalation === true, escalated: !answered }))),
    tokenF1: round(mean(f1), 4),
  };
}

/** What the run itself did on these questions (works on runs made before evidence was recorded). */
export function scoreAsRun(questions: readonly Question[], records: ReadonlyMap<string, CalibrationRecord>): SimulatedScore {
  const rows = questions.map((q) => {
    const r = records.get(q.id);
    return { q, r, answered: r?.outcome === "answered" || r?.outcome === "cache_hit" };
  });
  const answerable = rows.filter(({ q }) => q.expect_escalation !== true && (q.article_ids?.length ?? 0) > 0);
  const correct = answerable.filter(({ q, r, answered }) => answered && r?.cited_ids.some((id) => q.article_ids?.includes(id))).length;
  const f1 = rows.filter(({ q, answered }) => answered && q.answer).map(({ q, r }) => tokenF1(r!.answer, q.answer!));
  return {
    questions: rows.length,
    answered: rows.filter((x) => x.answered).length,
    answeredCorrect: round(ratio(correct, answerable.length), 4),
    escalation: scoreEscalation(rows.map(({ q, r, answered }) => ({ expected: q.expect_escalation === true, escalated: r?.outcome === "escalated" && !answered }))),
    tokenF1: round(mean(f1), 4),
  };
}

/** Fits the confidence model on the tune questions' drafts (those with evidence). */
export function fitOn(questions: readonly Question[], records: ReadonlyMap<string, CalibrationRecord>, fittedOn: string): Calibration {
  const samples = questions.flatMap((q) => {
    const r = records.get(q.id);
    return r?.evidence ? [{ evidence: r.evidence, correct: isCorrect(q, r) }] : [];
  });
  if (samples.length < EVIDENCE_FEATURES.length * 2) throw new Error(`Only ${samples.length} answers with evidence to fit on; need more questions.`);
  return fitCalibration(samples, fittedOn);
}
