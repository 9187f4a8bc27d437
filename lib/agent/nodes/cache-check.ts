import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { lookupCache, recordCacheHit } from "@/lib/cache";
import { commitAsynchronously, insertMessage } from "@/lib/chat/messages";
import { withTenant } from "@/lib/db/tenant";
import { getTenantSettings } from "@/lib/tenants/settings";
import { claimsOf, emit } from "../context";
import { questionEmbedding } from "../question-embedding";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * cache_check: the tenant's nearest cached answer above its similarity threshold ends
 * the run at once (no retrieval, no model call); anything else, including a cache
 * outage, goes on to retrieval.
 */
export async function cacheCheck(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  emit(config, { type: "status", status: "checking_cache" });
  const claims = claimsOf(config);
  const { embedding, model } = await questionEmbedding(config, state.question);

  const result = await withTenant(claims, async (tx) => {
    const tenant = await getTenantSettings(tx);
    const scope = { tx, tenantId: state.tenant_id, embeddingModel: model };
    const hit = embedding ? await lookupCache(scope, embedding, tenant.effectiveSimilarityThreshold) : null;
    if (!hit) return { tenant, hit: null, messageId: null };
    await commitAsynchronously(tx);
    await recordCacheHit(scope, hit.id);
    const message = await insertMessage(tx, {
      tenantId: state.tenant_id,
      conversationId: state.conversation_id,
      senderType: "ai",
      content: hit.answer,
      metadata: { fromCache: true, cacheSource: hit.source, similarity: hit.similarity, citations: hit.citations },
    });
    return { tenant, hit, messageId: message.id };
  });

  const settings = {
    confidence_threshold: result.tenant.confidenceThreshold,
    cache_ttl_days: result.tenant.cacheTtlDays,
  };
  if (!result.hit || !result.messageId) return settings;
  emit(config, {
    type: "answer",
    messageId: result.messageId,
    text: result.hit.answer,
    citations: result.hit.citations,
    fromCache: true,
    offline: false,
    confidence: null,
    modelCalls: 0,
  });
  return {
    ...settings,
    is_cache_hit: true,
    answer: result.hit.answer,
    citations: result.hit.citations,
    outcome: "answered_from_cache",
    messages: [{ role: "assistant", content: result.hit.answer }],
  };
}
