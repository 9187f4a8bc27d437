import "server-only";
import { toPgVector } from "@/lib/ai/vector";
import type { Tx } from "@/lib/db/tenant";
import { namespaceFor, type UpstashEntryMetadata, type UpstashIndex } from "@/lib/cache/upstash";

/** An unexpired cache entry whose vector came from another embedding model. */
export interface StaleCacheEntry {
  id: string;
  question: string;
}

/*
 * After an embedding-model change, a tenant's cache entries are re-embedded (their
 * question text) by the re-embedding job, batch by batch, so the approved answers stay
 * reachable. Until then lookups compare only vectors of the current model, so an entry
 * is missed for a while, never matched across models.
 */

export async function stalePgCacheEntries(tx: Tx, tenantId: string, modelId: string, limit: number): Promise<StaleCacheEntry[]> {
  const { rows } = await tx.query<StaleCacheEntry>(
    `select id, question from public.cache_entries
     where tenant_id = $1 and embedding_model <> $2 and expires_at > now() order by id limit $3`,
    [tenantId, modelId, limit],
  );
  return rows;
}

export async function setPgCacheEmbeddings(tx: Tx, tenantId: string, modelId: string, entries: StaleCacheEntry[], vectors: number[][]): Promise<void> {
  await tx.query(
    `update public.cache_entries c set embedding = x.embedding::vector, embedding_model = $3
     from unnest($1::uuid[], $2::text[]) as x(id, embedding)
     where c.id = x.id and c.tenant_id = $4`,
    [entries.map((e) => e.id), vectors.map(toPgVector), modelId, tenantId],
  );
}

// Upstash lists by filter only through a query: any non-zero vector will do, the filter
// picks the entries and topK bounds the batch.
function probe(dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  v[0] = 1;
  return v;
}

export async function staleUpstashCacheEntries(
  index: UpstashIndex,
  tenantId: string,
  modelId: string,
  limit: number,
  dimensions: number,
): Promise<StaleCacheEntry[]> {
  const results = await index.namespace(namespaceFor(tenantId)).query({
    vector: probe(dimensions),
    topK: limit,
    includeMetadata: true,
    filter: `tenant_id = '${tenantId}' AND embedding_model != '${modelId}' AND expires_at > ${Date.now()}`,
  });
  return results.flatMap((r) => (r.metadata && r.metadata.tenant_id === tenantId ? [{ id: String(r.id), question: r.metadata.question }] : []));
}

export async function setUpstashCacheEmbeddings(
  index: UpstashIndex,
  tenantId: string,
  modelId: string,
  entries: StaleCacheEntry[],
  vectors: number[][],
): Promise<void> {
  const space = index.namespace(namespaceFor(tenantId));
  // PATCH merges this key into the stored metadata; the SDK types ask for a whole object.
  const patch = { embedding_model: modelId } as UpstashEntryMetadata;
  for (const [i, entry] of entries.entries()) {
    await space.update({ id: entry.id, vector: vectors[i], metadata: patch, metadataUpdateMode: "PATCH" });
  }
}
