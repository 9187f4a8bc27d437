import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { getChatModel } from "@/lib/ai/providers";
import { gradeWithModel } from "../llm";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * grade: keeps only the chunks that help answer the question (the model judges them).
 * Offline, every retrieved chunk goes on: the answerer judges them sentence by sentence,
 * by meaning, and keeps the ones it quotes. Nothing relevant, or a model failure, escalates.
 */
export async function grade(state: AgentStateValue, _config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const choice = getChatModel();
  if (state.retrieved.length === 0) return { relevant: [], escalation_reason: "no_relevant_context" };
  if (choice.mode === "offline") return { relevant: state.retrieved, offline: true };
  try {
    const { relevant: verdicts, calls } = await gradeWithModel(choice.model, state.question, state.retrieved);
    const relevant = state.retrieved.filter((_chunk, i) => verdicts[i]);
    return { relevant, model_calls: calls, escalation_reason: relevant.length ? null : "no_relevant_context" };
  } catch (error) {
    console.warn("[agent] grading failed, escalating:", (error as Error).message);
    return { model_calls: 1, escalation_reason: "model_error" };
  }
}
