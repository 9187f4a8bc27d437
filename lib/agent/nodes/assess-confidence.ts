import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { getChatModel } from "@/lib/ai/providers";
import { retrievalConfidence } from "@/lib/ai/retrieval-evidence";
import { commitAsynchronously, insertMessage } from "@/lib/chat/messages";
import { withTenant } from "@/lib/db/tenant";
import { claimsOf } from "../context";
import { assessWithModel, escalationReasonOf } from "../llm";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/** How much the model's self-assessment counts against the retrieval evidence. */
const MODEL_WEIGHT = 0.7;

export function combineConfidence(modelScore: number, evidence: number): number {
  return Math.round((MODEL_WEIGHT * modelScore + (1 - MODEL_WEIGHT) * evidence) * 1000) / 1000;
}

/**
 * A draft the visitor already watched being written stays in the conversation, marked
 * unconfirmed, so what they saw is still there after a reload (and staff see it too).
 */
async function keepUnconfirmedDraft(state: AgentStateValue, config: LangGraphRunnableConfig, confidence: number | null): Promise<void> {
  if (!state.streamed_id || !state.draft) return;
  await withTenant(claimsOf(config), async (tx) => {
    await commitAsynchronously(tx);
    await insertMessage(tx, {
      tenantId: state.tenant_id,
      conversationId: state.conversation_id,
      senderType: "ai",
      content: state.draft ?? "",
      metadata: { fromCache: false, offline: state.offline, confidence, citations: state.citations, unconfirmed: true },
      timing: state.generation,
    });
  });
}

/**
 * assess_confidence, the check after the answer is written: a 0..1 confidence in the
 * draft (the model's own score combined with retrieval evidence; offline, the
 * answerer's calibrated confidence; a local model's calibrated relevance from grade,
 * since its free-form self-scores were found uncalibrated). Below the tenant's threshold
 * the question goes to a human, with the draft.
 */
export async function assessConfidence(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const choice = getChatModel();
  let confidence = state.confidence ?? 0;
  let calls = 0;
  if (choice.mode === "model" && choice.local) confidence = state.relevance ?? 0;
  else if (choice.mode === "model") {
    const evidence = retrievalConfidence(state.question, state.relevant);
    try {
      calls = 1;
      confidence = combineConfidence(await assessWithModel(choice.model, state.question, state.draft ?? "", state.relevant), evidence);
    } catch (error) {
      console.warn("[agent] assessment failed, escalating:", (error as Error).message);
      await keepUnconfirmedDraft(state, config, null);
      return { model_calls: calls, escalation_reason: escalationReasonOf(error) };
    }
  }
  const passes = confidence >= state.confidence_threshold;
  if (!passes) await keepUnconfirmedDraft(state, config, confidence);
  return { confidence, model_calls: calls, escalation_reason: passes ? null : "low_confidence" };
}
