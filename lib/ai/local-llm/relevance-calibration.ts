import type { RelevanceCalibration } from "./relevance";

/**
 * Platt constants per local model, fitted by `npm run eval:local-llm-relevance -- --limit 24`
 * on 12 WixQA dev articles (each with its own question and the most similar other question,
 * half and half) and reported on 12 others: AUC 0.97; at the default tenant threshold 0.7,
 * precision 0.85, recall 0.92 (refitted when passages and the question became quoted data:
 * the prompt changed). The halves are balanced, so 0.5 means even odds at a 50 % prior.
 */
export const RELEVANCE_CALIBRATION: Record<string, RelevanceCalibration> = {
  "qwen2.5-coder-1.5b-instruct-q4_k_m": { a: 3.062, b: 0.722 },
};
