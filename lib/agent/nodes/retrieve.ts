import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { withTenant } from "@/lib/db/tenant";
import { retrieve as searchKnowledgeBase } from "@/lib/rag/retrieve";
import { claimsOf, emit } from "../context";
import { questionEmbedding } from "../question-embedding";
import type { AgentStateUpdate, AgentStateValue } from "../state";

export const RETRIEVE_K = 6;

/** retrieve: hybrid search over the tenant's chunks, under the caller's RLS scope. */
export async function retrieve(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  emit(config, { type: "status", status: "searching" });
  try {
    // The question was embedded once, for the cache lookup; retrieval reuses that vector.
    const { embedding, model } = await questionEmbedding(config, state.question);
    const options = embedding ? { k: RETRIEVE_K, embedding, embeddingModel: model } : { k: RETRIEVE_K };
    const retrieved = await withTenant(claimsOf(config), (tx) => searchKnowledgeBase(tx, state.question, options));
    return { retrieved };
  } catch (error) {
    console.warn("[agent] retrieval failed, escalating:", (error as Error).message);
    return { escalation_reason: "retrieval_error" };
  }
}
