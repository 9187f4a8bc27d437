import { threadIdFor } from "@/lib/agent/context";
import { getAgentGraph } from "@/lib/agent/graph";
import type { AgentStateValue, GenerationStats } from "@/lib/agent/state";
import type { AnswerEvidence } from "@/lib/ai/answer-calibration";
import { visitorClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";

export interface RunDetails {
  /** KB ids of the retrieved chunks' sources, best first, each once. */
  retrievedIds: string[];
  /** KB ids of the cited chunks' sources, in citation order, each once. */
  citedIds: string[];
  confidence: number | null;
  modelCalls: number | null;
  escalationReason: string | null;
  /** The draft as written, also when it was escalated instead of sent. */
  draft: string | null;
  /** The offline answerer's evidence (what eval:calibrate fits its confidence on). */
  evidence: AnswerEvidence | null;
  generation: GenerationStats | null;
}

const EMPTY: RunDetails = {
  retrievedIds: [],
  citedIds: [],
  confidence: null,
  modelCalls: null,
  escalationReason: null,
  draft: null,
  evidence: null,
  generation: null,
};

function kbIds(sourceIds: Array<string | null>, kbIdBySource: Map<string, string>): string[] {
  const ids: string[] = [];
  for (const sourceId of sourceIds) {
    const id = sourceId ? (kbIdBySource.get(sourceId) ?? `source:${sourceId}`) : null;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * What the graph did for the conversation's question, read from its checkpoint: the
 * chunks retrieval ranked, the citations, the confidence and the model calls. The
 * stream shows only what the visitor sees; recall needs the retrieved ids too.
 */
export async function readRunDetails(tenantId: string, conversationId: string, kbIdBySource: Map<string, string>): Promise<RunDetails> {
  const userMessageId = await withTenant(visitorClaims({ tenantId, conversationId }), async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      "select id from public.messages where conversation_id = $1 and sender_type = 'user' order by created_at limit 1",
      [conversationId],
    );
    return rows[0]?.id ?? null;
  });
  if (!userMessageId) return EMPTY;
  const graph = await getAgentGraph();
  const snapshot = await graph.getState({ configurable: { thread_id: threadIdFor(conversationId, userMessageId) } });
  const state = snapshot.values as Partial<AgentStateValue>;
  if (!state.question) return EMPTY;
  return {
    retrievedIds: kbIds((state.retrieved ?? []).map((c) => c.sourceId), kbIdBySource),
    citedIds: kbIds((state.citations ?? []).map((c) => c.sourceId), kbIdBySource),
    confidence: state.confidence ?? null,
    modelCalls: state.model_calls ?? null,
    escalationReason: state.escalation_reason ?? null,
    draft: state.draft ?? null,
    evidence: state.answer_evidence ?? null,
    generation: state.generation ?? null,
  };
}
