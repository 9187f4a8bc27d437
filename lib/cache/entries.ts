import "server-only";
import { z } from "zod";
import { text } from "@/lib/text";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { CacheSource } from "@/lib/cache/port";
import { assertNoPersonalData } from "@/lib/privacy/cache-guard";
import type { Citation } from "@/lib/ai/retrieval-types";

/** One row of the Control Center's "Answer cache" page. */
export interface CacheEntrySummary {
  id: string;
  question: string;
  answer: string;
  source: CacheSource;
  citations: Citation[];
  confidence: number | null;
  hits: number;
  lastHitAt: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  embeddingModel: string;
  /** Who reviewed the answer and when (human entries); null for AI answers. */
  approvedBy: string | null;
  approvedAt: string | null;
  /** Visitors' ratings since the last approval; bad ones hold the entry back for review. */
  helpful: number;
  notHelpful: number;
  needsReview: boolean;
}

export interface CacheEntryPage {
  entries: CacheEntrySummary[];
  total: number;
}

export const listOptionsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const cacheEntryIdSchema = z.string().uuid("Unknown cache entry.");
export const cacheAnswerSchema = text().trim().min(1, "The answer cannot be empty.").max(20_000);

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

export function parseListOptions(options: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const parsed = listOptionsSchema.safeParse(options);
  if (!parsed.success) throw new AppError("bad_request", "limit must be 1-200 and offset 0 or more.");
  return parsed.data;
}

export function parseAnswer(answer: string): string {
  const parsed = cacheAnswerSchema.safeParse(answer);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "Invalid answer.");
  assertNoPersonalData({ answer: parsed.data });
  return parsed.data;
}

export function parseEntryId(id: string): string {
  const parsed = cacheEntryIdSchema.safeParse(id);
  if (!parsed.success) throw new AppError("not_found", "Cache entry not found.");
  return parsed.data;
}

/** pgvector adapter: the tenant's entries (RLS scopes them), most recently changed first. */
export async function listPgCacheEntries(tx: Tx, options: { limit?: number; offset?: number }): Promise<CacheEntryPage> {
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
export async function updatePgCacheAnswer(tx: Tx, id: string, answer: string): Promise<CacheEntrySummary> {
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

export async function findPgCacheEntry(tx: Tx, id: string): Promise<CacheEntrySummary | null> {
  const { rows } = await tx.query<EntryRow>(`select ${selectColumns} from public.cache_entries where id = $1`, [parseEntryId(id)]);
  return rows[0] ? toSummary(rows[0]) : null;
}

export async function deletePgCacheEntry(tx: Tx, id: string): Promise<void> {
  const result = await tx.query("delete from public.cache_entries where id = $1", [parseEntryId(id)]);
  if (!result.rowCount) throw new AppError("not_found", "Cache entry not found.");
}
