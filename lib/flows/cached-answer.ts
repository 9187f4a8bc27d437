import "server-only";
import type { RequestClaims } from "@/lib/db/claims";
import { lookupCache, lookupExactCache, recordCacheHit, type CacheHit, type QuestionScope } from "@/lib/cache";
import { commitAsynchronously, insertMessage } from "@/lib/chat/messages";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { getTenantSettings, type TenantSettings } from "@/lib/tenants/settings";
import type { AgentEvent } from "@/lib/agent/context";
import type { QuestionEmbedding } from "@/lib/agent/question-embedding";
import type { AgentSettings } from "@/lib/agent/state";

/**
 * The one place a question is answered from the tenant's semantic cache: the exact
 * lookup in the question's own transaction (lib/flows/ask-question.ts), the semantic
 * lookup there or after it (lib/flows/answer-question.ts). A miss carries the settings
 * the agent's run needs, read in the same transaction.
 */
export interface CacheCheck {
  settings: AgentSettings;
  /** The cached answer, already stored as the AI's message of the conversation. */
  hit: { entry: CacheHit; messageId: string } | null;
}

export interface CacheQuestion {
  tenantId: string;
  conversationId: string;
  text: string;
  /** The tenant's settings when the caller already read them in this transaction. */
  tenant?: TenantSettings;
}

type Find = (scope: QuestionScope & { question: string }, threshold: number) => Promise<CacheHit | null>;

/**
 * Looks the question up in the tenant's cache within the caller's transaction; a hit is
 * counted (in memory, written later) and stored as the AI's message right there, so the
 * run can end at once (no retrieval, no model call). A cache outage is a miss.
 */
async function answerFromCache(tx: Tx, question: CacheQuestion, model: string, find: Find): Promise<CacheCheck> {
  const tenant = question.tenant ?? (await getTenantSettings(tx));
  const settings = { confidence_threshold: tenant.confidenceThreshold, cache_ttl_days: tenant.cacheTtlDays, answer_delivery: tenant.answerDelivery };
  const scope = { tx, tenantId: question.tenantId, embeddingModel: model, question: question.text };
  const entry = await find(scope, tenant.effectiveSimilarityThreshold);
  if (!entry) return { settings, hit: null };
  await recordCacheHit(scope, entry.id);
  const message = await insertMessage(tx, {
    tenantId: question.tenantId,
    conversationId: question.conversationId,
    senderType: "ai",
    content: entry.answer,
    cacheEntryId: entry.id,
    // Visitors read this: no cache internals (source, similarity) in it.
    metadata: { fromCache: true, citations: entry.citations, embeddingModel: model },
  });
  return { settings, hit: { entry, messageId: message.id } };
}

/** The nearest cached answer to the question's embedding (none when embedding failed). */
export function checkCacheIn(tx: Tx, question: CacheQuestion, { embedding, model }: QuestionEmbedding): Promise<CacheCheck> {
  return answerFromCache(tx, question, model, async (scope, threshold) => (embedding ? lookupCache(scope, embedding, threshold) : null));
}

/** The cached answer to this very question (same normalised key), before anything is embedded. */
export function checkExactIn(tx: Tx, question: CacheQuestion, model: string): Promise<CacheCheck> {
  return answerFromCache(tx, question, model, lookupExactCache);
}

/** The cache check in a transaction of its own, under the visitor's claims (a cached answer can be asked again). */
export function checkCache(claims: RequestClaims, question: CacheQuestion, embedding: QuestionEmbedding): Promise<CacheCheck> {
  return withTenant(claims, async (tx) => {
    await commitAsynchronously(tx);
    return checkCacheIn(tx, question, embedding);
  });
}

/** The answer event of a hit, as the widget receives it. */
export function cacheHitEvent(hit: NonNullable<CacheCheck["hit"]>): AgentEvent {
  return {
    type: "answer",
    messageId: hit.messageId,
    text: hit.entry.answer,
    citations: hit.entry.citations,
    fromCache: true,
    offline: false,
    confidence: null,
    modelCalls: 0,
  };
}
