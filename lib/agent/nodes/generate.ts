import "server-only";
import { randomUUID } from "node:crypto";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { getEmbedder } from "@/lib/ai/embeddings";
import { answerOffline, type OfflineAnswer } from "@/lib/ai/offline-answerer";
import { createAnswerStreamGuard } from "@/lib/ai/answer-stream-guard";
import { checkAnswer } from "@/lib/ai/answer-guard";
import { getChatModel, type ChatModel } from "@/lib/ai/providers";
import { guardContext, isSuspicious } from "../answer-check";
import { citationOf } from "../citations";
import { emit } from "../context";
import { estimateTokens, startGenerationTimer } from "../generation-timer";
import { escalationReasonOf, generateWithModel } from "../llm";
import { citationRenumberer, citedNumbers, renumberCitations } from "../prompts";
import type { AgentStateUpdate, AgentStateValue } from "../state";
import { mayStreamModelAnswer } from "../stream-gate";

/**
 * The offline answerer's confidence is known before it writes a word, so its gate is
 * exact: a confident answer streams its sentences as they are chosen, a doubtful one is
 * never shown (assess_confidence escalates it with the draft). So is its output guard: it
 * quotes passages, and one that would fail the guard, or comes from a suspicious run, is held.
 */
async function generateOffline(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const timer = startGenerationTimer(config);
  let answer: OfflineAnswer;
  try {
    answer = await answerOffline(state.question, state.relevant, getEmbedder());
  } catch (error) {
    // The local embedding model failed mid-answer: a human takes the question.
    console.warn("[agent] the offline answerer failed, escalating:", (error as Error).message);
    return { escalation_reason: "model_error", offline: true };
  }
  if (!answer.text) return { escalation_reason: "no_relevant_context", confidence: 0, offline: true };
  const stream =
    state.answer_delivery === "stream" &&
    answer.confidence >= state.confidence_threshold &&
    !isSuspicious(state) &&
    checkAnswer(answer.text, guardContext(answer.quoted)).safe;
  const id = stream ? randomUUID() : null;
  timer.firstToken();
  for (const delta of answer.pieces) if (id) emit(config, { type: "answer-delta", id, delta });
  return {
    draft: answer.text,
    citations: answer.quoted.map(citationOf),
    relevant: answer.quoted,
    confidence: answer.confidence,
    answer_evidence: answer.evidence,
    offline: true,
    streamed_id: id,
    // It writes no tokens one by one: a rate would only measure the loop that emits its sentences.
    generation: { ...timer.stats(estimateTokens(answer.text))!, tokensPerSecond: null },
  };
}

/**
 * A model's answer: streamed to the visitor token by token when the evidence gate
 * passes (stream-gate.ts), with citation numbers rewritten on the fly to match the
 * source list, a few words behind the model through the output guard (which stops the
 * stream before a link, address or number the passages do not hold); otherwise held
 * until assess_confidence has checked it.
 */
async function generateWithLanguageModel(model: ChatModel, state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const timer = startGenerationTimer(config);
  const id = mayStreamModelAnswer(state) ? randomUUID() : null;
  const renumber = citationRenumberer(state.relevant.length);
  const guard = id ? createAnswerStreamGuard(guardContext(state.relevant)) : null;
  const emitShown = (delta: string | undefined) => {
    if (id && delta) emit(config, { type: "answer-delta", id, delta });
  };
  const show = (delta: string) => emitShown(guard?.push(delta));
  try {
    const { text, outputTokens } = await generateWithModel(model, state.question, state.relevant, (delta) => {
      timer.firstToken();
      show(renumber.push(delta));
    });
    show(renumber.flush());
    emitShown(guard?.flush());
    const cited = citedNumbers(text, state.relevant.length);
    // An answer that cites nothing was still built from all the relevant chunks.
    const sources = cited.length ? cited.map((n) => state.relevant[n - 1]) : state.relevant;
    return {
      draft: renumberCitations(text, cited),
      citations: sources.map(citationOf),
      model_calls: 1,
      streamed_id: id,
      // assess_confidence hands the draft over; the visitor keeps what they saw.
      shown_draft: guard?.blocked ? guard.shown : null,
      generation: timer.stats(outputTokens ?? estimateTokens(text)),
    };
  } catch (error) {
    console.warn("[agent] generation failed, escalating:", (error as Error).message);
    // Whatever was already shown is marked unconfirmed by the hand-over that follows.
    return { model_calls: 1, escalation_reason: escalationReasonOf(error), streamed_id: id };
  }
}

/** generate: a draft answer from the relevant chunks only, citing them by number. */
export async function generate(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  emit(config, { type: "status", status: "answering" });
  const choice = getChatModel();
  return choice.mode === "offline" ? generateOffline(state, config) : generateWithLanguageModel(choice.model, state, config);
}
