import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertCanManageKnowledge } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/db/audit";
import {
  deletePgCacheEntry,
  findPgCacheEntry,
  listPgCacheEntries,
  updatePgCacheAnswer,
  type CacheEntryPage,
  type CacheEntrySummary,
} from "@/lib/cache/entries";
import { noteCacheFailure, noteCacheSuccess } from "@/lib/cache/health";
import { flushCacheHits } from "@/lib/cache/hit-counter";
import { lookupAs, pgvectorCache, type CacheRequest } from "@/lib/cache/pgvector";
import type { CacheEntryInput, CacheHit, CacheScope, SemanticCache } from "@/lib/cache/port";
import {
  setPgCacheEmbeddings,
  setUpstashCacheEmbeddings,
  stalePgCacheEntries,
  staleUpstashCacheEntries,
  type StaleCacheEntry,
} from "@/lib/cache/reembed-entries";
import { createUpstashCache, createUpstashIndex, type UpstashIndex } from "@/lib/cache/upstash";
import {
  deleteUpstashCacheEntry,
  findUpstashCacheEntry,
  listUpstashCacheEntries,
  updateUpstashCacheAnswer,
} from "@/lib/cache/upstash-entries";

export type { CacheEntryInput, CacheHit, CacheScope, CacheSource, SemanticCache } from "@/lib/cache/port";
export type { CacheEntryPage, CacheEntrySummary } from "@/lib/cache/entries";
export { cacheSettingsFor, type CacheSettings } from "@/lib/cache/settings";
export { normalizeQuestion } from "@/lib/cache/question-key";
export { flushCacheHits } from "@/lib/cache/hit-counter";
export type { CacheRequest } from "@/lib/cache/pgvector";

let override: SemanticCache | undefined;
let configured: SemanticCache | undefined;
let upstashIndex: UpstashIndex | undefined;

function getUpstashIndex(): UpstashIndex {
  const { UPSTASH_VECTOR_REST_URL, UPSTASH_VECTOR_REST_TOKEN } = env();
  if (!UPSTASH_VECTOR_REST_URL || !UPSTASH_VECTOR_REST_TOKEN) {
    throw new Error("CACHE_ADAPTER=upstash needs UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN");
  }
  upstashIndex ??= createUpstashIndex({ url: UPSTASH_VECTOR_REST_URL, token: UPSTASH_VECTOR_REST_TOKEN });
  return upstashIndex;
}

/** The configured adapter (CACHE_ADAPTER): pgvector by default, Upstash Vector when deployed. */
export function getSemanticCache(): SemanticCache {
  if (override) return override;
  configured ??= env().CACHE_ADAPTER === "upstash" ? createUpstashCache(getUpstashIndex()) : pgvectorCache;
  return configured;
}

/** Tests swap the adapter here and nowhere else. */
export function setSemanticCacheForTests(cache: SemanticCache | undefined): void {
  void flushCacheHits();
  override = cache;
  configured = undefined;
  upstashIndex = undefined;
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
 * A lookup on its own (no transaction of the caller's): one round trip on pgvector. A
 * null embedding looks up the exact question only.
 */
export async function lookupCacheAs(request: CacheRequest, embedding: number[] | null, threshold: number): Promise<CacheHit | null> {
  const cache = getSemanticCache();
  try {
    if (cache === pgvectorCache) return await lookupAs(request, embedding, threshold);
    return await withTenant(request.claims, async (tx) => {
      const scope = { tx, tenantId: request.tenantId, embeddingModel: request.embeddingModel, question: request.question };
      if (embedding) return cache.lookup(scope, embedding, threshold);
      return cache.lookupExact ? cache.lookupExact(scope, threshold) : null;
    });
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

/** The Upstash store is outside the database: take the tenant from the staff claims of tx. */
async function staffTenantOf(tx: Tx): Promise<string> {
  const { rows } = await tx.query<{ tenant_id: string | null; staff_role: string | null }>(
    "select app.current_tenant_id() as tenant_id, app.staff_role() as staff_role",
  );
  const row = rows[0];
  if (!row?.tenant_id || !row.staff_role) throw new AppError("forbidden", "Only staff can manage the answer cache.");
  return row.tenant_id;
}

const usesUpstash = () => env().CACHE_ADAPTER === "upstash";

/** The Control Center's "Answer cache" page, through the staff member's transaction. */
export async function listCacheEntries(tx: Tx, options: { limit?: number; offset?: number }): Promise<CacheEntryPage> {
  if (!usesUpstash()) return listPgCacheEntries(tx, options);
  return listUpstashCacheEntries(getUpstashIndex(), await staffTenantOf(tx), options);
}

/** Editing approves the entry as the caller; audited with the text before and after. */
export async function updateCacheAnswer(tx: Tx, id: string, answer: string): Promise<CacheEntrySummary> {
  await assertCanManageKnowledge(tx, "edit cached answers");
  const before = await findCacheEntry(tx, id);
  const updated = usesUpstash()
    ? await updateUpstashCacheAnswer(getUpstashIndex(), await staffTenantOf(tx), id, answer, await actorOf(tx))
    : await updatePgCacheAnswer(tx, id, answer);
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
  const before = await findCacheEntry(tx, id);
  if (usesUpstash()) await deleteUpstashCacheEntry(getUpstashIndex(), await staffTenantOf(tx), id);
  else await deletePgCacheEntry(tx, id);
  await recordAudit(tx, {
    action: "cache.deleted",
    targetType: "cache_entry",
    targetId: id,
    details: { question: before?.question ?? null, answer: before?.answer ?? null, source: before?.source ?? null },
  });
}

async function findCacheEntry(tx: Tx, id: string): Promise<CacheEntrySummary | null> {
  if (usesUpstash()) return findUpstashCacheEntry(getUpstashIndex(), await staffTenantOf(tx), id);
  return findPgCacheEntry(tx, id);
}

async function actorOf(tx: Tx): Promise<string | null> {
  const { rows } = await tx.query<{ id: string | null }>("select auth.uid() as id");
  return rows[0]?.id ?? null;
}

/**
 * Up to `limit` of the tenant's unexpired entries whose vector another embedding model
 * made (the re-embedding job's work list), through a transaction of that tenant.
 */
export async function staleCacheEntries(scope: CacheScope, limit: number, dimensions: number): Promise<StaleCacheEntry[]> {
  if (!usesUpstash()) return stalePgCacheEntries(scope.tx, scope.tenantId, scope.embeddingModel, limit);
  return staleUpstashCacheEntries(getUpstashIndex(), scope.tenantId, scope.embeddingModel, limit, dimensions);
}

/** Stores the entries' new vectors and the model that made them, together. */
export async function setCacheEmbeddings(scope: CacheScope, entries: StaleCacheEntry[], vectors: number[][]): Promise<void> {
  if (!usesUpstash()) return setPgCacheEmbeddings(scope.tx, scope.tenantId, scope.embeddingModel, entries, vectors);
  return setUpstashCacheEmbeddings(getUpstashIndex(), scope.tenantId, scope.embeddingModel, entries, vectors);
}
