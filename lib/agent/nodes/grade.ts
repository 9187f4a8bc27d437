import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { getChatModel } from "@/lib/ai/providers";
import { ANSWER_MODEL_CALLS, reserveModelCalls } from "@/lib/limits/model-budget";
import { claimsOf } from "../context";
import { escalationReasonOf, gradeWithModel, judgeWithLocalModel } from "../llm";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * grade: keeps only the chunks that help answer the question (the model judges them).
 * Offline, every retrieved chunk goes on: the answerer judges them sentence by sentence,
 * by meaning, and keeps the ones it quotes. Nothing relevant, a model failure or a spent
 * model budget escalates.
 * A local model gives one calibrated probability for the passages that fit its context;
 * below the tenant's threshold the question escalates before any (slow) generation.
 */
export async function grade(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const choice = getChatModel();
  if (state.retrieved.length === 0) return { relevant: [], escalation_reason: "no_relevant_context" };
  if (choice.mode === "offline") return { relevant: state.retrieved, offline: true };
  if (choice.local) {
    try {
      const { kept, relevance } = await judgeWithLocalModel(choice.local, state.question, state.retrieved);
      if (kept.length === 0) return { relevant: [], model_calls: 1, relevance, escalation_reason: "no_relevant_context" };
      const passes = relevance >= state.confidence_threshold;
      return {
        relevant: passes ? kept : [],
        relevance,
        confidence: relevance,
        model_calls: 1,
        escalation_reason: passes ? null : "low_confidence",
      };
    } catch (error) {
      console.warn("[agent] local relevance check failed, escalating:", (error as Error).message);
      return { model_calls: 1, escalation_reason: escalationReasonOf(error) };
    }
  }
  // The answer's model calls are reserved up front: a spent budget sends the question to
  // the tenant's team (the cache still answers what it knows, before this node).
  if (!(await reserveModelCalls(claimsOf(config), ANSWER_MODEL_CALLS))) {
    return { relevant: [], escalation_reason: "budget_exhausted" };
  }
  try {
    const { relevant: verdicts, calls } = await gradeWithModel(choice.model, state.question, state.retrieved);
    const relevant = state.retrieved.filter((_chunk, i) => verdicts[i]);
    return { relevant, model_calls: calls, escalation_reason: relevant.length ? null : "no_relevant_context" };
  } catch (error) {
    console.warn("[agent] grading failed, escalating:", (error as Error).message);
    return { model_calls: 1, escalation_reason: escalationReasonOf(error) };
  }
}
