import "server-only";
import { z } from "zod";
import { toPgVector } from "@/lib/ai/vector";
import type { Tx } from "@/lib/db/tenant";
import type { CacheEntryInput, CacheHit, CacheScope, CacheSource, SemanticCache } from "@/lib/cache/port";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { LOOKUP_CANDIDATES, pickBestHit } from "@/lib/cache/ranking";
import type { Citation } from "@/lib/rag/types";

interface CandidateRow {
  id: string;
  question: string;
  answer: string;
  source: CacheSource;
  citations: Citation[];
  similarity: number;
}

const sourceIdsSchema = z.array(z.string().uuid());

/**
 * Runs one cache statement under a savepoint: the cache shares the caller's transaction,
 * and a failing cache query must degrade to a miss without aborting everything else the
 * transaction does (the question, the ticket).
 */
async function inSavepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  await tx.query("savepoint semantic_cache");
  try {
    const result = await fn();
    await tx.query("release savepoint semantic_cache");
    return result;
  } catch (error) {
    await tx.query("rollback to savepoint semantic_cache").catch(() => undefined);
    throw error;
  }
}

/**
 * Plans the lookup on the HNSW index. RLS adds the tenant filter to the scan, and the
 * iterative scan keeps walking the graph until enough of this tenant's rows are found
 * (instead of filtering the global top ef_search down to nothing). Bitmap scans are off
 * for this one statement because the planner otherwise prefers the (tenant_id,
 * expires_at) btree and computes the distance to every entry of the tenant: ~10 ms per
 * 1,000 entries, against a few ms on the graph. Settings are restored afterwards so the
 * rest of the caller's transaction plans as usual.
 */
async function nearestEntries(scope: CacheScope, embedding: number[]): Promise<CandidateRow[]> {
  const { rows } = await scope.tx.query<{ bitmap: string; iterative: string }>(
    `with previous as materialized (
       select current_setting('enable_bitmapscan') as bitmap, coalesce(current_setting('hnsw.iterative_scan', true), 'off') as iterative
     )
     select bitmap, iterative, set_config('enable_bitmapscan', 'off', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)
       from previous`,
  );
  const result = await scope.tx.query<CandidateRow>(
    `with nearest as materialized (
       select id, question, answer, source, citations, embedding <=> $1::vector as distance
         from public.cache_entries
        where tenant_id = $2 and embedding_model = $3 and expires_at > now()
        order by embedding <=> $1::vector
        limit $4
     )
     select id, question, answer, source, citations, (1 - distance)::float8 as similarity
       from nearest order by distance`,
    [toPgVector(embedding), scope.tenantId, scope.embeddingModel, LOOKUP_CANDIDATES],
  );
  await scope.tx.query("select set_config('enable_bitmapscan', $1, true), set_config('hnsw.iterative_scan', $2, true)", [
    rows[0].bitmap,
    rows[0].iterative,
  ]);
  return result.rows;
}

async function lookup(scope: CacheScope, embedding: number[], threshold: number): Promise<CacheHit | null> {
  const rows = await inSavepoint(scope.tx, () => nearestEntries(scope, embedding));
  return pickBestHit(rows, threshold);
}

interface EntryRow {
  tenantId: string;
  question: string;
  key: string;
  embedding: string;
  model: string;
  answer: string;
  citations: string;
  sourceIds: string[];
  confidence: number | null;
  ticketId: string | null;
  ttlDays: number;
}

function toRow(scope: CacheScope, entry: CacheEntryInput): EntryRow {
  return {
    tenantId: scope.tenantId,
    question: entry.question,
    key: normalizeQuestion(entry.question),
    embedding: toPgVector(entry.embedding),
    model: scope.embeddingModel,
    answer: entry.answer,
    citations: JSON.stringify(entry.citations),
    sourceIds: sourceIdsSchema.parse(entry.sourceIds),
    confidence: entry.confidence,
    ticketId: entry.ticketId ?? null,
    ttlDays: entry.ttlDays,
  };
}

async function insertEntry(tx: Tx, row: EntryRow, source: CacheSource, onConflict: string): Promise<void> {
  await tx.query(
    `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source,
       citations, source_ids, confidence, ticket_id, expires_at)
     values ($1, $2, $3, $4::vector, $5, $6, $7, $8::jsonb, $9::uuid[], $10, $11,
       now() + make_interval(secs => $12::float8 * 86400))
     ${onConflict}`,
    [row.tenantId, row.question, row.key, row.embedding, row.model, row.answer, source, row.citations, row.sourceIds,
      row.confidence, row.ticketId, row.ttlDays],
  );
}

/** Staff (the resolution): a human answer replaces whatever the entry held. */
async function writeHuman(tx: Tx, row: EntryRow): Promise<void> {
  await insertEntry(
    tx,
    row,
    "human",
    `on conflict (tenant_id, question_key) do update set
       question = excluded.question, embedding = excluded.embedding, embedding_model = excluded.embedding_model,
       answer = excluded.answer, source = 'human', citations = excluded.citations, source_ids = excluded.source_ids,
       confidence = excluded.confidence, ticket_id = excluded.ticket_id, expires_at = excluded.expires_at`,
  );
}

/**
 * The chat (often as the visitor): never touches a human entry. It checks first because
 * ON CONFLICT DO UPDATE on a human row raises an RLS error for visitors instead of
 * skipping; the `source = 'ai'` guard covers a human write landing in between.
 */
async function writeAi(tx: Tx, row: EntryRow): Promise<void> {
  const existing = await tx.query<{ source: CacheSource }>(
    "select source from public.cache_entries where tenant_id = $1 and question_key = $2",
    [row.tenantId, row.key],
  );
  const current = existing.rows[0];
  if (current?.source === "human") return;
  if (!current) {
    await insertEntry(tx, row, "ai", "on conflict (tenant_id, question_key) do nothing");
    return;
  }
  // Only the columns visitors may update (see the grants in the migration).
  await tx.query(
    `update public.cache_entries set question = $3, embedding = $4::vector, embedding_model = $5, answer = $6,
       citations = $7::jsonb, source_ids = $8::uuid[], confidence = $9,
       expires_at = now() + make_interval(secs => $10::float8 * 86400)
     where tenant_id = $1 and question_key = $2 and source = 'ai'`,
    [row.tenantId, row.key, row.question, row.embedding, row.model, row.answer, row.citations, row.sourceIds,
      row.confidence, row.ttlDays],
  );
}

async function write(scope: CacheScope, entry: CacheEntryInput): Promise<void> {
  const row = toRow(scope, entry);
  await inSavepoint(scope.tx, () => (entry.source === "human" ? writeHuman(scope.tx, row) : writeAi(scope.tx, row)));
}

async function recordHit(scope: CacheScope, id: string): Promise<void> {
  // Security definer: visitors may count hits on human entries they cannot update.
  await inSavepoint(scope.tx, () => scope.tx.query("select app.record_cache_hit($1)", [id]));
}

async function invalidateSources(scope: CacheScope, sourceIds: string[]): Promise<number> {
  const ids = sourceIdsSchema.parse(sourceIds);
  if (ids.length === 0) return 0;
  const result = await inSavepoint(scope.tx, () =>
    scope.tx.query(
      "delete from public.cache_entries where tenant_id = $1 and source = 'ai' and source_ids && $2::uuid[]",
      [scope.tenantId, ids],
    ),
  );
  return result.rowCount ?? 0;
}

/** The default adapter: public.cache_entries under RLS, HNSW cosine index. */
export const pgvectorCache: SemanticCache = { name: "pgvector", lookup, write, recordHit, invalidateSources };
