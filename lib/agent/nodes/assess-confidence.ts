import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { describeFindings } from "@/lib/ai/answer-guard";
import { getChatModel } from "@/lib/ai/providers";
import { retrievalConfidence } from "@/lib/ai/retrieval-evidence";
import { commitAsynchronously, insertMessage } from "@/lib/chat/messages";
import { withTenant } from "@/lib/db/tenant";
import { checkDraft } from "../answer-check";
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
 * unconfirmed, so what they saw is still there after a reload (and staff see it too):
 * the part shown before the output guard stopped the stream, if it did.
 */
async function keepUnconfirmedDraft(state: AgentStateValue, config: LangGraphRunnableConfig, confidence: number | null): Promise<void> {
  const shown = typeof state.shown_draft === "string" ? state.shown_draft.trim() : state.draft;
  if (!state.streamed_id || !shown?.trim()) return;
  await withTenant(claimsOf(config), async (tx) => {
    await commitAsynchronously(tx);
    await insertMessage(tx, {
      tenantId: state.tenant_id,
      conversationId: state.conversation_id,
      senderType: "ai",
      content: shown,
      metadata: { fromCache: false, offline: state.offline, confidence, citations: state.citations, unconfirmed: true },
      timing: state.generation,
    });
  });
}

/**
 * assess_confidence, the check after the answer is written. First the output guard
 * (answer-check.ts): a draft with a link, e-mail address or phone number its cited
 * passages do not hold, or reciting the assistant's instructions, goes to a human as
 * "unsafe_answer" without further model calls. Then a 0..1 confidence in the
 * draft (the model's own score combined with retrieval evidence; offline, the
 * answerer's calibrated confidence; a local model's calibrated relevance from grade,
 * since its free-form self-scores were found uncalibrated). Below the tenant's threshold
 * the question goes to a human, with the draft.
 */
export async function assessConfidence(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const verdict = checkDraft(state);
  if (!verdict.safe) {
    console.warn(`[agent] the answer was held back by the output guard: ${describeFindings(verdict.findings)}`);
    await keepUnconfirmedDraft(state, config, null);
    return { escalation_reason: "unsafe_answer" };
  }
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
