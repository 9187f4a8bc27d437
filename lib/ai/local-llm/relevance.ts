import type { ChatTurn } from "./engine";

/*
 * The cheap relevance signal: the probability the model gives to "Yes" as the next token
 * after asking whether the passages contain the answer. One prompt evaluation, no
 * generation. The question is appended to the answer prompt, so the passages' evaluated
 * state (the KV cache) is reused by the generation that follows.
 */

export const RELEVANCE_QUESTION = "Do these passages contain the answer to the customer question? Reply Yes or No.";

export function relevanceTurns(system: string, answerPrompt: string): ChatTurn[] {
  return [
    { role: "system", text: system },
    { role: "user", text: `${answerPrompt}\n\n${RELEVANCE_QUESTION}` },
  ];
}

/** Platt scaling of the raw P(Yes): calibrated = sigmoid(a·logit(p) + b). */
export interface RelevanceCalibration {
  a: number;
  b: number;
}

const EPSILON = 1e-6;

export function logit(p: number): number {
  const q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
  return Math.log(q / (1 - q));
}

export function calibrate(p: number, { a, b }: RelevanceCalibration): number {
  return 1 / (1 + Math.exp(-(a * logit(p) + b)));
}

/** Fits a and b by logistic regression of the labels on logit(p) (gradient descent, small data). */
export function fitCalibration(samples: { p: number; label: boolean }[], iterations = 5_000, rate = 0.1): RelevanceCalibration {
  let a = 1;
  let b = 0;
  for (let i = 0; i < iterations; i++) {
    let ga = 0;
    let gb = 0;
    for (const { p, label } of samples) {
      const x = logit(p);
      const error = 1 / (1 + Math.exp(-(a * x + b))) - (label ? 1 : 0);
      ga += error * x;
      gb += error;
    }
    a -= (rate * ga) / samples.length;
    b -= (rate * gb) / samples.length;
  }
  return { a, b };
}
