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
 * The scope of a lookup that also knows the question asked. The pgvector adapter then
 * tries the exact entry for that question first (same normalised key, see
 * question-key.ts): an index probe instead of a graph walk, and never another question's
 * answer because the approximate index missed the right one.
 */
export interface QuestionScope extends CacheScope {
  question?: string;
}

const candidateColumns = "id, question, answer, source, citations";

/** The entry stored for this very question, if any (unexpired, same embedding model). */
async function exactEntry(scope: CacheScope, vector: string, question: string): Promise<CandidateRow | undefined> {
  const { rows } = await scope.tx.query<CandidateRow>(
    `select ${candidateColumns}, (1 - (embedding <=> $1::vector))::float8 as similarity
       from public.cache_entries
      where tenant_id = $2 and question_key = $3 and embedding_model = $4 and expires_at > now()`,
    [vector, scope.tenantId, normalizeQuestion(question), scope.embeddingModel],
  );
  return rows[0];
}

/**
 * How far the HNSW scan looks (hnsw.ef_search; pgvector's default is 40). The default
 * missed or mis-ranked about 2% of exact questions at 100k entries across 10 tenants,
 * and a wrong answer served is worse than a miss.
 */
const EF_SEARCH = 200;

/**
 * Plans the lookup on the HNSW index. RLS adds the tenant filter to the scan, and the
 * iterative scan keeps walking the graph until enough of this tenant's rows are found
 * (instead of filtering the global top ef_search down to nothing). Bitmap scans are off
 * because the planner otherwise prefers the (tenant_id, expires_at) btree and computes
 * the distance to every entry of the tenant: ~10 ms per 1,000 entries, against a few ms
 * on the graph. The settings are local to the savepoint the caller opened: rolling back
 * to it (the lookup writes nothing) restores them for the rest of the transaction.
 */
async function nearestEntries(scope: CacheScope, vector: string): Promise<CandidateRow[]> {
  await scope.tx.query(
    `select set_config('enable_bitmapscan', 'off', true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
            set_config('hnsw.ef_search', '${EF_SEARCH}', true)`,
  );
  const result = await scope.tx.query<CandidateRow>(
    `with nearest as materialized (
       select ${candidateColumns}, embedding <=> $1::vector as distance
         from public.cache_entries
        where tenant_id = $2 and embedding_model = $3 and expires_at > now()
        order by embedding <=> $1::vector
        limit $4
     )
     select ${candidateColumns}, (1 - distance)::float8 as similarity
       from nearest order by distance`,
    [vector, scope.tenantId, scope.embeddingModel, LOOKUP_CANDIDATES],
  );
  return result.rows;
}

/**
 * The exact entry for the question first: a human one at or above the threshold is the
 * answer (nothing can beat it: humans win ties, and it is this very question). Otherwise
 * (none, or an AI entry a near-identical human one could outrank) the HNSW neighbours
 * are added and ranked together. Runs under a savepoint so a failure is a miss that
 * leaves the caller's transaction usable.
 */
async function lookup(scope: QuestionScope, embedding: number[], threshold: number): Promise<CacheHit | null> {
  const vector = toPgVector(embedding);
  await scope.tx.query("savepoint semantic_cache");
  try {
    const exact = scope.question ? await exactEntry(scope, vector, scope.question) : undefined;
    if (exact?.source === "human" && exact.similarity >= threshold) {
      await scope.tx.query("release savepoint semantic_cache");
      return exact;
    }
    const nearest = await nearestEntries(scope, vector);
    await scope.tx.query("rollback to savepoint semantic_cache; release savepoint semantic_cache");
    const candidates = exact ? [exact, ...nearest.filter((row) => row.id !== exact.id)] : nearest;
    return pickBestHit(candidates, threshold);
  } catch (error) {
    await scope.tx.query("rollback to savepoint semantic_cache").catch(() => undefined);
    throw error;
  }
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
  approvedBy: string | null;
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
    approvedBy: entry.approvedBy ?? null,
    ttlDays: entry.ttlDays,
  };
}

async function insertEntry(tx: Tx, row: EntryRow, source: CacheSource, onConflict: string): Promise<void> {
  await tx.query(
    `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source,
       citations, source_ids, confidence, ticket_id, expires_at, approved_by, approved_at)
     values ($1, $2, $3, $4::vector, $5, $6, $7, $8::jsonb, $9::uuid[], $10, $11,
       now() + make_interval(secs => $12::float8 * 86400), $13::uuid, case when $13::uuid is null then null else now() end)
     ${onConflict}`,
    [row.tenantId, row.question, row.key, row.embedding, row.model, row.answer, source, row.citations, row.sourceIds,
      row.confidence, row.ticketId, row.ttlDays, row.approvedBy],
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
       confidence = excluded.confidence, ticket_id = excluded.ticket_id, expires_at = excluded.expires_at,
       approved_by = excluded.approved_by, approved_at = excluded.approved_at`,
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

const entryIdSchema = z.string().uuid();

async function recordHit(scope: CacheScope, id: string): Promise<void> {
  // Security definer: visitors may count hits on human entries they cannot update. One
  // round trip for the savepoint, the count and the release (several statements need
  // the simple protocol, hence the literal: a validated uuid, nothing else).
  const literal = entryIdSchema.parse(id);
  try {
    await scope.tx.query(
      `savepoint semantic_cache; select app.record_cache_hit('${literal}'::uuid); release savepoint semantic_cache`,
    );
  } catch (error) {
    await scope.tx.query("rollback to savepoint semantic_cache").catch(() => undefined);
    throw error;
  }
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
