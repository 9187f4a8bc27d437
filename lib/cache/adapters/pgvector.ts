import "server-only";
import pg from "pg";
import { z } from "zod";
import { cacheWidthOf } from "@/lib/ai/embeddings";
import { cacheVector, toPgVector } from "@/lib/ai/vector";
import { requestClaimsSchema } from "@/lib/db/claims";
import { pool } from "@/lib/db/pool";
import type { Tx } from "@/lib/db/tenant";
import type { CacheEntryInput, CacheHit, CacheRequest, CacheScope, CacheSource, QuestionScope, SemanticCache } from "@/lib/cache/port";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { HUMAN_PREFERENCE_MARGIN, LOOKUP_CANDIDATES } from "@/lib/cache/ranking";
import { pgvectorEntries } from "@/lib/cache/adapters/pgvector-entries";
import { countCacheHit } from "@/lib/cache/adapters/pgvector-hit-counter";

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
 * app.cache_lookup (migration 2026120100700) does the whole lookup in one statement: the
 * claims, the index settings, the exact-key probe (when the scope knows the question: an
 * index probe instead of a graph walk), the HNSW neighbours and the ranking of
 * ranking.ts, returning at most the one entry to serve.
 */
function lookupArguments(question: string | undefined, embedding: number[] | null, model: string, threshold: number) {
  if (!Number.isFinite(threshold)) throw new RangeError("The similarity threshold must be a number.");
  return [question === undefined ? null : normalizeQuestion(question), embedding && toPgVector(cacheVector(embedding, cacheWidthOf(model))), model, threshold, LOOKUP_CANDIDATES, HUMAN_PREFERENCE_MARGIN] as const;
}

const HIT_COLUMNS = "id, question, answer, source, citations, similarity";

/**
 * Inside the caller's transaction (its claims already set): the savepoint, the lookup and
 * the release go in one round trip. Several statements need the simple protocol, hence
 * literals, each escaped by the driver.
 */
async function lookupIn(scope: QuestionScope, embedding: number[] | null, threshold: number): Promise<CacheHit | null> {
  const values = lookupArguments(scope.question, embedding, scope.embeddingModel, threshold)
    .map((v) => (v === null ? "null" : typeof v === "number" ? String(v) : pg.escapeLiteral(v)));
  const sql = `savepoint semantic_cache;
    select ${HIT_COLUMNS} from app.cache_lookup(null, ${values[0]}, ${values[1]}::vector, ${values.slice(2).join(", ")});
    release savepoint semantic_cache`;
  try {
    const results = (await scope.tx.query(sql)) as unknown as Array<pg.QueryResult<CacheHit>>;
    return results[1].rows[0] ?? null;
  } catch (error) {
    await scope.tx.query("rollback to savepoint semantic_cache; release savepoint semantic_cache").catch(() => undefined);
    throw error;
  }
}

function lookup(scope: QuestionScope, embedding: number[], threshold: number): Promise<CacheHit | null> {
  return lookupIn(scope, embedding, threshold);
}

/** The entry stored for this very question, without an embedding (an index probe). */
function lookupExact(scope: QuestionScope, threshold: number): Promise<CacheHit | null> {
  return scope.question === undefined ? Promise.resolve(null) : lookupIn(scope, null, threshold);
}

/**
 * Outside any transaction: one statement on a pooled connection, its own implicit
 * transaction, the claims set by the function for that statement only.
 */
async function lookupAs(request: CacheRequest, embedding: number[] | null, threshold: number): Promise<CacheHit | null> {
  const claims = requestClaimsSchema.parse(request.claims);
  if (claims.app_metadata.tenant_id !== request.tenantId) throw new RangeError("The claims are not the tenant's.");
  const { rows } = await pool().query<CacheHit>(
    `select ${HIT_COLUMNS} from app.cache_lookup($1::jsonb, $2, $3::vector, $4, $5, $6, $7)`,
    [JSON.stringify(claims), ...lookupArguments(request.question, embedding, request.embeddingModel, threshold)],
  );
  return rows[0] ?? null;
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
    embedding: toPgVector(cacheVector(entry.embedding, cacheWidthOf(scope.embeddingModel))),
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
 * The chat (often as the visitor): never touches a human entry. Through
 * app.cache_write_ai, the one way a visitor's transaction may write the cache (migration
 * 2026120100800): it runs as cache_writer under that role's own tenant policies.
 */
async function writeAi(tx: Tx, row: EntryRow): Promise<void> {
  await tx.query("select app.cache_write_ai($1, $2, $3::vector, $4, $5, $6::jsonb, $7::uuid[], $8, $9)", [
    row.question,
    row.key,
    row.embedding,
    row.model,
    row.answer,
    row.citations,
    row.sourceIds,
    row.confidence,
    row.ttlDays,
  ]);
}

async function write(scope: CacheScope, entry: CacheEntryInput): Promise<void> {
  const row = toRow(scope, entry);
  await inSavepoint(scope.tx, () => (entry.source === "human" ? writeHuman(scope.tx, row) : writeAi(scope.tx, row)));
}

const entryIdSchema = z.string().uuid();

/** Counted in memory and written in batches (pgvector-hit-counter.ts): never on the answer's path. */
async function recordHit(scope: CacheScope, id: string): Promise<void> {
  countCacheHit(scope.tenantId, entryIdSchema.parse(id));
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

/**
 * The default adapter: public.cache_entries under RLS, HNSW cosine index. Writes and
 * invalidations run in the caller's transaction, each under a savepoint.
 */
export const pgvectorCache: SemanticCache = {
  name: "pgvector",
  writesJoinTransaction: true,
  lookup,
  lookupExact,
  lookupAs,
  write,
  recordHit,
  invalidateSources,
  ...pgvectorEntries,
};
