import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { assertCanManageKnowledge } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/db/audit";
import { flushCacheHits } from "@/lib/cache/adapters/pgvector-hit-counter";
import { pgvectorCache } from "@/lib/cache/adapters/pgvector";
import { createUpstashCache } from "@/lib/cache/adapters/upstash";
import { createUpstashIndex } from "@/lib/cache/adapters/upstash-index";
import type {
  CacheEntryInput,
  CacheEntryPage,
  CacheEntrySummary,
  CacheHit,
  CacheRequest,
  CacheScope,
  SemanticCache,
  StaleCacheEntry,
} from "@/lib/cache/port";
import { noteCacheFailure, noteCacheSuccess } from "@/lib/cache/health";

/** The port's types: what callers of the cache need, whichever adapter serves them. */
export type * from "@/lib/cache/port";
export { cacheSettingsFor, type CacheSettings } from "@/lib/cache/settings";
export { normalizeQuestion } from "@/lib/cache/question-key";
/** Writes the hits counted so far (the pgvector adapter batches them; tests and shutdown call it). */
export { flushCacheHits };

let override: SemanticCache | undefined;
let configured: SemanticCache | undefined;

function configuredAdapter(): SemanticCache {
  const { CACHE_ADAPTER, UPSTASH_VECTOR_REST_URL, UPSTASH_VECTOR_REST_TOKEN } = env();
  if (CACHE_ADAPTER !== "upstash") return pgvectorCache;
  if (!UPSTASH_VECTOR_REST_URL || !UPSTASH_VECTOR_REST_TOKEN) {
    throw new Error("CACHE_ADAPTER=upstash needs UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN");
  }
  return createUpstashCache(createUpstashIndex({ url: UPSTASH_VECTOR_REST_URL, token: UPSTASH_VECTOR_REST_TOKEN }));
}

/**
 * The configured adapter (CACHE_ADAPTER): pgvector by default, Upstash Vector when
 * deployed. Everything below goes through it; nothing outside lib/cache picks one.
 */
export function getSemanticCache(): SemanticCache {
  if (override) return override;
  configured ??= configuredAdapter();
  return configured;
}

/** Tests swap the adapter here and nowhere else. */
export function setSemanticCacheForTests(cache: SemanticCache | undefined): void {
  void flushCacheHits();
  override = cache;
  configured = undefined;
}

function logFailure(operation: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(`[cache] ${operation} failed, continuing without the cache: ${message}`);
  noteCacheFailure();
}

/** A cache outage is a miss: the question takes the normal path, never an error. */
export async function lookupCache(scope: CacheScope, embedding: number[], threshold: number): Promise<CacheHit | null> {
  try {
    const hit = await getSemanticCache().lookup(scope, embedding, threshold);
    noteCacheSuccess();
    return hit;
  } catch (error) {
    logFailure("lookup", error);
    return null;
  }
}

/**
 * The entry for this very question when the adapter can find it without an embedding:
 * an exact repeat is answered before anything is embedded. Null when it cannot (or on
 * an outage): the caller embeds and looks up as usual.
 */
export async function lookupExactCache(scope: CacheScope & { question: string }, threshold: number): Promise<CacheHit | null> {
  const cache = getSemanticCache();
  if (!cache.lookupExact) return null;
  try {
    return await cache.lookupExact(scope, threshold);
  } catch (error) {
    logFailure("exact lookup", error);
    return null;
  }
}

/**
 * A lookup on its own (no transaction of the caller's): one round trip where the adapter
 * offers it (lookupAs), else in a transaction of the request's claims. A null embedding
 * looks up the exact question only.
 */
export async function lookupCacheAs(request: CacheRequest, embedding: number[] | null, threshold: number): Promise<CacheHit | null> {
  const cache = getSemanticCache();
  try {
    const hit = cache.lookupAs
      ? await cache.lookupAs(request, embedding, threshold)
      : await withTenant(request.claims, async (tx) => {
          const scope = { tx, tenantId: request.tenantId, embeddingModel: request.embeddingModel, question: request.question };
          if (embedding) return cache.lookup(scope, embedding, threshold);
          return cache.lookupExact ? cache.lookupExact(scope, threshold) : null;
        });
    noteCacheSuccess();
    return hit;
  } catch (error) {
    logFailure("lookup", error);
    return null;
  }
}

/** Returns whether the entry was stored; a failed write only costs a future cache hit. */
export async function writeCache(scope: CacheScope, entry: CacheEntryInput): Promise<boolean> {
  try {
    await getSemanticCache().write(scope, entry);
    noteCacheSuccess();
    return true;
  } catch (error) {
    logFailure("write", error);
    return false;
  }
}

export async function recordCacheHit(scope: CacheScope, id: string): Promise<void> {
  try {
    await getSemanticCache().recordHit(scope, id);
  } catch (error) {
    logFailure("hit count", error);
  }
}

/**
 * Unlike lookups and writes, invalidation failures are thrown: swallowing one would leave
 * answers built on a deleted or changed document in the cache. Callers retry (as a job).
 */
export function invalidateCachedSources(scope: CacheScope, sourceIds: string[]): Promise<number> {
  return getSemanticCache().invalidateSources(scope, sourceIds);
}

/** The Control Center's "Answer cache" page, through the staff member's transaction. */
export async function listCacheEntries(tx: Tx, options: { limit?: number; offset?: number }): Promise<CacheEntryPage> {
  return getSemanticCache().listEntries(tx, options);
}

/** Editing approves the entry as the caller; audited with the text before and after. */
export async function updateCacheAnswer(tx: Tx, id: string, answer: string): Promise<CacheEntrySummary> {
  await assertCanManageKnowledge(tx, "edit cached answers");
  const cache = getSemanticCache();
  const before = await cache.findEntry(tx, id);
  const updated = await cache.updateAnswer(tx, id, answer);
  await recordAudit(tx, {
    action: "cache.updated",
    targetType: "cache_entry",
    targetId: updated.id,
    details: { question: updated.question, before: before?.answer ?? null, after: updated.answer },
  });
  return updated;
}

export async function deleteCacheEntry(tx: Tx, id: string): Promise<void> {
  await assertCanManageKnowledge(tx, "delete cached answers");
  const cache = getSemanticCache();
  const before = await cache.findEntry(tx, id);
  await cache.deleteEntry(tx, id);
  await recordAudit(tx, {
    action: "cache.deleted",
    targetType: "cache_entry",
    targetId: id,
    details: { question: before?.question ?? null, answer: before?.answer ?? null, source: before?.source ?? null },
  });
}

/**
 * Up to `limit` of the tenant's unexpired entries whose vector another embedding model
 * made (the re-embedding job's work list), through a transaction of that tenant.
 */
export async function staleCacheEntries(scope: CacheScope, limit: number, dimensions: number): Promise<StaleCacheEntry[]> {
  return getSemanticCache().staleEntries(scope, limit, dimensions);
}

/** Stores the entries' new vectors and the model that made them, together. */
export async function setCacheEmbeddings(scope: CacheScope, entries: StaleCacheEntry[], vectors: number[][]): Promise<void> {
  return getSemanticCache().setEmbeddings(scope, entries, vectors);
}
