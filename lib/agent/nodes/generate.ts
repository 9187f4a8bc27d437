import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { answerOffline } from "@/lib/ai/offline-answerer";
import { getChatModel } from "@/lib/ai/providers";
import { citationOf } from "../citations";
import { emit } from "../context";
import { escalationReasonOf, generateWithModel } from "../llm";
import { citedNumbers, renumberCitations } from "../prompts";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * generate: a draft answer from the relevant chunks only, citing them by number.
 *
 * Hold, not retract: the draft is NOT streamed to the user. The widget shows the
 * "answering" status while the model writes, and the text is released only after
 * assess_confidence passes it (cache_update emits it); a low-confidence draft goes to the
 * ticket for the human, never to the user. The cost is time to first token: the first
 * character arrives after the whole generation plus the assessment call instead of
 * after the model's first token (cache hits are unaffected; they answer at once).
 */
export async function generate(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  emit(config, { type: "status", status: "answering" });
  const choice = getChatModel();
  if (choice.mode === "offline") {
    const { text, quoted } = answerOffline(state.question, state.relevant);
    if (!text) return { escalation_reason: "no_relevant_context" };
    return { draft: text, citations: quoted.map(citationOf), offline: true };
  }
  try {
    const text = await generateWithModel(choice.model, state.question, state.relevant);
    const cited = citedNumbers(text, state.relevant.length);
    // An answer that cites nothing was still built from all the relevant chunks.
    const sources = cited.length ? cited.map((n) => state.relevant[n - 1]) : state.relevant;
    return { draft: renumberCitations(text, cited), citations: sources.map(citationOf), model_calls: 1 };
  } catch (error) {
    console.warn("[agent] generation failed, escalating:", (error as Error).message);
    return { model_calls: 1, escalation_reason: escalationReasonOf(error) };
  }
}
