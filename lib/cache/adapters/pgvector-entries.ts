import "server-only";
import { cacheWidthOf } from "@/lib/ai/embeddings";
import { cacheVector, toPgVector } from "@/lib/ai/vector";
import type { Citation } from "@/lib/ai/retrieval-types";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { parseAnswer, parseEntryId, parseListOptions } from "@/lib/cache/entry-input";
import type { CacheEntryPage, CacheEntryStore, CacheEntrySummary, CacheScope, CacheSource, StaleCacheEntry } from "@/lib/cache/port";

interface EntryRow {
  id: string;
  question: string;
  answer: string;
  source: CacheSource;
  citations: Citation[];
  confidence: number | null;
  hits: number;
  last_hit_at: Date | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  embedding_model: string;
  approver: string | null;
  approved_at: Date | null;
  helpful_count: number;
  not_helpful_count: number;
  needs_review: boolean;
}

const selectColumns = `id, question, answer, source, citations, confidence, hits, last_hit_at, created_at, updated_at,
  expires_at, embedding_model, approved_at, helpful_count, not_helpful_count, needs_review,
  (select coalesce(u.display_name, u.email) from public.users u where u.id = approved_by) as approver`;

function toSummary(row: EntryRow): CacheEntrySummary {
  return {
    id: row.id,
    question: row.question,
    answer: row.answer,
    source: row.source,
    citations: row.citations,
    confidence: row.confidence,
    hits: row.hits,
    lastHitAt: row.last_hit_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    embeddingModel: row.embedding_model,
    approvedBy: row.approver,
    approvedAt: row.approved_at?.toISOString() ?? null,
    helpful: row.helpful_count,
    notHelpful: row.not_helpful_count,
    needsReview: row.needs_review,
  };
}

/** The tenant's entries (RLS scopes them), most recently changed first. */
async function listPgCacheEntries(tx: Tx, options: { limit?: number; offset?: number }): Promise<CacheEntryPage> {
  const { limit, offset } = parseListOptions(options);
  const rows = await tx.query<EntryRow>(
    `select ${selectColumns} from public.cache_entries order by updated_at desc, id limit $1 offset $2`,
    [limit, offset],
  );
  const count = await tx.query<{ total: number }>("select count(*)::int as total from public.cache_entries");
  return { entries: rows.rows.map(toSummary), total: count.rows[0].total };
}

/**
 * A staff member editing an answer approves it: the entry becomes a human answer, so it
 * wins over AI answers and is no longer dropped when a cited document changes. RLS lets
 * only those allowed to manage the cache change it; for others the row is not there.
 */
async function updatePgCacheAnswer(tx: Tx, id: string, answer: string): Promise<CacheEntrySummary> {
  const text = parseAnswer(answer);
  const { rows } = await tx.query<EntryRow>(
    `update public.cache_entries set answer = $2, source = 'human', approved_by = auth.uid(), approved_at = now(),
            needs_review = false, helpful_count = 0, not_helpful_count = 0
      where id = $1 returning ${selectColumns}`,
    [parseEntryId(id), text],
  );
  if (!rows[0]) throw new AppError("not_found", "Cache entry not found.");
  return toSummary(rows[0]);
}

async function findPgCacheEntry(tx: Tx, id: string): Promise<CacheEntrySummary | null> {
  const { rows } = await tx.query<EntryRow>(`select ${selectColumns} from public.cache_entries where id = $1`, [parseEntryId(id)]);
  return rows[0] ? toSummary(rows[0]) : null;
}

async function deletePgCacheEntry(tx: Tx, id: string): Promise<void> {
  const result = await tx.query("delete from public.cache_entries where id = $1", [parseEntryId(id)]);
  if (!result.rowCount) throw new AppError("not_found", "Cache entry not found.");
}

async function stalePgCacheEntries(scope: CacheScope, limit: number): Promise<StaleCacheEntry[]> {
  const { rows } = await scope.tx.query<StaleCacheEntry>(
    `select id, question from public.cache_entries
     where tenant_id = $1 and embedding_model <> $2 and expires_at > now() order by id limit $3`,
    [scope.tenantId, scope.embeddingModel, limit],
  );
  return rows;
}

async function setPgCacheEmbeddings(scope: CacheScope, entries: StaleCacheEntry[], vectors: number[][]): Promise<void> {
  await scope.tx.query(
    `update public.cache_entries c set embedding = x.embedding::vector, embedding_model = $3
     from unnest($1::uuid[], $2::text[]) as x(id, embedding)
     where c.id = x.id and c.tenant_id = $4`,
    [entries.map((e) => e.id), vectors.map((v) => toPgVector(cacheVector(v, cacheWidthOf(scope.embeddingModel)))), scope.embeddingModel, scope.tenantId],
  );
}

/** The pgvector adapter's entry operations, all through the caller's transaction. */
export const pgvectorEntries: CacheEntryStore = {
  listEntries: listPgCacheEntries,
  findEntry: findPgCacheEntry,
  updateAnswer: updatePgCacheAnswer,
  deleteEntry: deletePgCacheEntry,
  staleEntries: stalePgCacheEntries,
  setEmbeddings: setPgCacheEmbeddings,
};
