import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { retrievalConfidence } from "@/lib/ai/offline-answerer";
import { getChatModel } from "@/lib/ai/providers";
import { assessWithModel, escalationReasonOf } from "../llm";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/** How much the model's self-assessment counts against the retrieval evidence. */
const MODEL_WEIGHT = 0.7;

export function combineConfidence(modelScore: number, evidence: number): number {
  return Math.round((MODEL_WEIGHT * modelScore + (1 - MODEL_WEIGHT) * evidence) * 1000) / 1000;
}

/**
 * assess_confidence: a 0..1 confidence in the draft (the model's own score combined with
 * retrieval evidence; offline, the evidence alone; a local model's calibrated relevance
 * from grade, since its free-form self-scores were found uncalibrated). Below the
 * tenant's threshold the question goes to a human.
 */
export async function assessConfidence(state: AgentStateValue, _config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const evidence = retrievalConfidence(state.question, state.relevant);
  const choice = getChatModel();
  let confidence = evidence;
  let calls = 0;
  if (choice.mode === "model" && choice.local) confidence = state.relevance ?? 0;
  else if (choice.mode === "model") {
    try {
      calls = 1;
      confidence = combineConfidence(await assessWithModel(choice.model, state.question, state.draft ?? "", state.relevant), evidence);
    } catch (error) {
      console.warn("[agent] assessment failed, escalating:", (error as Error).message);
      return { model_calls: calls, escalation_reason: escalationReasonOf(error) };
    }
  }
  const passes = confidence >= state.confidence_threshold;
  return { confidence, model_calls: calls, escalation_reason: passes ? null : "low_confidence" };
}
