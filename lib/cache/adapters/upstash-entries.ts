import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { parseAnswer, parseEntryId, parseListOptions } from "@/lib/cache/entry-input";
import type { CacheEntryPage, CacheEntryStore, CacheEntrySummary, StaleCacheEntry } from "@/lib/cache/port";
import { namespaceFor, type UpstashEntryMetadata, type UpstashIndex } from "@/lib/cache/adapters/upstash-index";

const RANGE_PAGE = 100;

function toSummary(id: string, m: UpstashEntryMetadata): CacheEntrySummary {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id,
    question: m.question,
    answer: m.answer,
    source: m.source,
    citations: m.citations,
    confidence: m.confidence,
    hits: m.hits,
    lastHitAt: m.last_hit_at === null ? null : iso(m.last_hit_at),
    createdAt: iso(m.created_at),
    updatedAt: iso(m.updated_at),
    expiresAt: iso(m.expires_at),
    embeddingModel: m.embedding_model,
    approvedBy: m.approved_by ?? null,
    approvedAt: m.approved_at ? iso(m.approved_at) : null,
    // Ratings flag pgvector entries only (a database trigger); see README.
    helpful: 0,
    notHelpful: 0,
    needsReview: false,
  };
}

async function fetchOwned(index: UpstashIndex, tenantId: string, id: string): Promise<UpstashEntryMetadata> {
  const [found] = await index.namespace(namespaceFor(tenantId)).fetch([parseEntryId(id)], { includeMetadata: true });
  if (!found?.metadata || found.metadata.tenant_id !== tenantId) throw new AppError("not_found", "Cache entry not found.");
  return found.metadata;
}

/**
 * Upstash can only page a namespace by cursor, in id order: offset pages are read through
 * from the start (fine for an admin page, not for deep pagination).
 */
export async function listUpstashCacheEntries(
  index: UpstashIndex,
  tenantId: string,
  options: { limit?: number; offset?: number },
): Promise<CacheEntryPage> {
  const { limit, offset } = parseListOptions(options);
  const space = index.namespace(namespaceFor(tenantId));
  const seen: CacheEntrySummary[] = [];
  let cursor: string = "0";
  do {
    const page = await space.range({ cursor, limit: RANGE_PAGE, includeMetadata: true });
    for (const v of page.vectors) {
      if (v.metadata?.tenant_id === tenantId) seen.push(toSummary(String(v.id), v.metadata));
    }
    cursor = page.nextCursor;
  } while (cursor && seen.length < offset + limit);
  const info = await index.info();
  const total = info.namespaces[namespaceFor(tenantId)]?.vectorCount ?? seen.length;
  return { entries: seen.slice(offset, offset + limit), total };
}

/** Editing approves: the entry becomes a human answer (see the pgvector adapter's updateAnswer). */
export async function updateUpstashCacheAnswer(
  index: UpstashIndex,
  tenantId: string,
  id: string,
  answer: string,
  approvedBy: string | null,
): Promise<CacheEntrySummary> {
  const text = parseAnswer(answer);
  const current = await fetchOwned(index, tenantId, id);
  const now = Date.now();
  const patch = { answer: text, source: "human" as const, updated_at: now, approved_by: approvedBy, approved_at: now };
  await index
    .namespace(namespaceFor(tenantId))
    .update({ id, metadata: patch as UpstashEntryMetadata, metadataUpdateMode: "PATCH" });
  return toSummary(id, { ...current, ...patch });
}

export async function findUpstashCacheEntry(index: UpstashIndex, tenantId: string, id: string): Promise<CacheEntrySummary | null> {
  try {
    return toSummary(id, await fetchOwned(index, tenantId, id));
  } catch {
    return null;
  }
}

export async function deleteUpstashCacheEntry(index: UpstashIndex, tenantId: string, id: string): Promise<void> {
  await fetchOwned(index, tenantId, id);
  await index.namespace(namespaceFor(tenantId)).delete(id);
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

/** The store is outside the database: take the tenant from the staff claims of tx. */
async function staffTenantOf(tx: Tx): Promise<string> {
  const { rows } = await tx.query<{ tenant_id: string | null; staff_role: string | null }>(
    "select app.current_tenant_id() as tenant_id, app.staff_role() as staff_role",
  );
  const row = rows[0];
  if (!row?.tenant_id || !row.staff_role) throw new AppError("forbidden", "Only staff can manage the answer cache.");
  return row.tenant_id;
}

async function actorOf(tx: Tx): Promise<string | null> {
  const { rows } = await tx.query<{ id: string | null }>("select auth.uid() as id");
  return rows[0]?.id ?? null;
}

/** The Upstash adapter's entry operations: staff ones in the tenant of the staff member's claims. */
export function upstashEntries(index: UpstashIndex): CacheEntryStore {
  return {
    listEntries: async (tx, options) => listUpstashCacheEntries(index, await staffTenantOf(tx), options),
    findEntry: async (tx, id) => findUpstashCacheEntry(index, await staffTenantOf(tx), id),
    updateAnswer: async (tx, id, answer) => updateUpstashCacheAnswer(index, await staffTenantOf(tx), id, answer, await actorOf(tx)),
    deleteEntry: async (tx, id) => deleteUpstashCacheEntry(index, await staffTenantOf(tx), id),
    staleEntries: (scope, limit, dimensions) => staleUpstashCacheEntries(index, scope.tenantId, scope.embeddingModel, limit, dimensions),
    setEmbeddings: (scope, entries, vectors) => setUpstashCacheEmbeddings(index, scope.tenantId, scope.embeddingModel, entries, vectors),
  };
}
