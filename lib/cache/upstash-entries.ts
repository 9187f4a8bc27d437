import "server-only";
import { AppError } from "@/lib/errors";
import { parseAnswer, parseEntryId, parseListOptions, type CacheEntryPage, type CacheEntrySummary } from "@/lib/cache/entries";
import { namespaceFor, type UpstashEntryMetadata, type UpstashIndex } from "@/lib/cache/upstash";

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

/** Editing approves: the entry becomes a human answer (see updatePgCacheAnswer). */
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
