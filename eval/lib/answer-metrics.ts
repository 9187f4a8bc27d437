import { ratio } from "./stats";

/**
 * Share of the expected ids found among the first k ranked ids (duplicates in the ranking
 * count once). Null when nothing is expected: such questions do not enter the mean.
 */
export function recallAtK(expected: readonly string[], ranked: readonly string[], k: number): number | null {
  const wanted = new Set(expected);
  if (wanted.size === 0) return null;
  const top = new Set<string>();
  for (const id of ranked) {
    if (top.size >= k) break;
    top.add(id);
  }
  let found = 0;
  for (const id of wanted) if (top.has(id)) found++;
  return found / wanted.size;
}

export interface EscalationScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** Of the escalated questions, the share that should have been. */
  precision: number | null;
  /** Of the questions that should escalate, the share that did. */
  recall: number | null;
}

/** Escalation as a binary classifier: positive = escalated, truth = expect_escalation. */
export function scoreEscalation(pairs: ReadonlyArray<{ expected: boolean; escalated: boolean }>): EscalationScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const { expected, escalated } of pairs) {
    if (escalated && expected) tp++;
    else if (escalated) fp++;
    else if (expected) fn++;
    else tn++;
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  };
}

const ARTICLES = new Set(["a", "an", "the"]);

/**
 * SQuAD-style answer tokens: lower case, no punctuation, no articles. Citation markers
 * ([1]) and Markdown link targets are dropped first: they are formatting, not content.
 */
export function answerTokens(text: string): string[] {
  return text
    .replace(/\]\([^)\s]*\)/g, "]")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\[\d{1,3}\]/g, " ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter((t) => t && !ARTICLES.has(t));
}

/** Harmonic mean of token precision and recall of a prediction against a reference. */
export function tokenF1(prediction: string, reference: string): number {
  const predicted = answerTokens(prediction);
  const expected = answerTokens(reference);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of expected) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of predicted) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

export function mean(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((s, v) => s + v, 0) / present.length : null;
}
