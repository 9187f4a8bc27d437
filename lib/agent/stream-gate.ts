import { retrievalConfidence } from "@/lib/ai/retrieval-evidence";
import { isSuspicious } from "./answer-check";
import { combineConfidence } from "./nodes/assess-confidence";
import type { AgentStateValue } from "./state";

/** A model's self-assessment of an answer its passages support (mock and real models score ~0.9). */
const EXPECTED_MODEL_SCORE = 0.9;

/**
 * The gate BEFORE a model's answer is streamed: would the check after it
 * (assess_confidence) pass, if the model rates its answer as it usually rates a
 * supported one, given the retrieval evidence we already have? If not, the answer is
 * held and checked first, so a doubtful answer is never shown as it is written. An answer
 * to a question or from passages that speak to the assistant is always held.
 */
export function mayStreamModelAnswer(
  state: Pick<AgentStateValue, "answer_delivery" | "question" | "relevant" | "confidence_threshold" | "relevance">,
): boolean {
  if (state.answer_delivery !== "stream" || isSuspicious(state)) return false;
  // A local model's calibrated relevance (grade) is also its check after: the gate is exact.
  if (state.relevance !== null && state.relevance !== undefined) return state.relevance >= state.confidence_threshold;
  const evidence = retrievalConfidence(state.question, state.relevant);
  return combineConfidence(EXPECTED_MODEL_SCORE, evidence) >= state.confidence_threshold;
}
