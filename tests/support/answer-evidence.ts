import { EVIDENCE_FEATURES, type AnswerEvidence } from "@/lib/ai/answer-calibration";

/** Answerer evidence with every feature at the same value: weak (0.1) to strong (0.9). */
export function uniformEvidence(value: number): AnswerEvidence {
  return Object.fromEntries(EVIDENCE_FEATURES.map((feature) => [feature, value])) as unknown as AnswerEvidence;
}
