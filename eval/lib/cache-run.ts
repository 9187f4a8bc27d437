import { randomUUID } from "node:crypto";
import { systemClaims, visitorClaims } from "@/lib/db/claims";
import type { Embedder } from "@/lib/ai/embeddings";
import { lookupCacheAs, type CacheEntryInput, type SemanticCache } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { wasInterrupted } from "./lifecycle";
import { toQueryResult, type CachePlan, type LabeledText, type QueryResult } from "./cache-protocol";

const EMBED_BATCH = 256;
const WRITE_BATCH = 100;

interface CacheTarget {
  cache: SemanticCache;
  embedder: Embedder;
  /** Tenant id per plan tenant index. */
  tenantIds: string[];
}

async function embedAll(embedder: Embedder, texts: string[]): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) vectors.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))));
  return vectors;
}

/** Seeds each tenant's cache through the adapter, as the resolution flow does: answer = label. */
export async function seedCaches(plan: CachePlan, target: CacheTarget): Promise<number> {
  let written = 0;
  for (const tenant of plan.tenants) {
    const tenantId = target.tenantIds[tenant.index];
    const vectors = await embedAll(target.embedder, tenant.seeds.map((s) => s.text));
    for (let i = 0; i < tenant.seeds.length; i += WRITE_BATCH) {
      const batch = tenant.seeds.slice(i, i + WRITE_BATCH);
      await withTenant(systemClaims(tenantId), async (tx) => {
        const scope = { tx, tenantId, embeddingModel: target.embedder.modelId };
        for (const [j, seed] of batch.entries()) {
          const entry: CacheEntryInput = {
            question: seed.text,
            embedding: vectors[i + j],
            answer: seed.label,
            source: "human",
            citations: [],
            sourceIds: [],
            confidence: null,
            ttlDays: 30,
          };
          await target.cache.write(scope, entry);
        }
      });
      written += batch.length;
    }
  }
  return written;
}

/**
 * Looks every query up in its own tenant's cache, as the chat does (visitor claims, the
 * configured adapter), with no threshold so the nearest entry is always reported.
 * Lookup time covers the whole lookup (on pgvector one statement, app.cache_lookup);
 * embedding time is measured apart. Stops early (returning what it has) when the run is interrupted.
 */
export async function queryCaches(
  plan: CachePlan,
  target: CacheTarget,
  options: { limit?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<QueryResult[]> {
  const queries: Array<LabeledText & { tenant: number }> = plan.tenants
    .flatMap((t) => t.queries.map((q) => ({ ...q, tenant: t.index })))
    .sort((a, b) => a.line - b.line)
    .slice(0, options.limit);
  const results: QueryResult[] = [];
  for (const query of queries) {
    if (wasInterrupted()) break;
    const tenantId = target.tenantIds[query.tenant];
    const embedStart = performance.now();
    const [embedding] = await target.embedder.embed([query.text]);
    const lookupStart = performance.now();
    // The product's lookup as the chat makes it (one round trip on pgvector).
    const claims = visitorClaims({ tenantId, conversationId: randomUUID() });
    const hit = await lookupCacheAs({ claims, tenantId, embeddingModel: target.embedder.modelId, question: query.text }, embedding, -1);
    const lookupEnd = performance.now();
    results.push(toQueryResult(plan, query, hit, { embedMs: lookupStart - embedStart, lookupMs: lookupEnd - lookupStart }));
    options.onProgress?.(results.length, queries.length);
  }
  return results;
}
