import type { Citation } from "@/lib/ai/retrieval-types";
import type { RequestClaims } from "@/lib/db/claims";
import type { Tx } from "@/lib/db/tenant";

export type CacheSource = "ai" | "human";

export interface CacheScope {
  /** The caller's tenant-scoped transaction (the pgvector adapter queries through it). */
  tx: Tx;
  tenantId: string;
  /** Vectors of different models never mix: lookups only match entries of this model. */
  embeddingModel: string;
}

/**
 * The scope of a lookup that also knows the question asked. An adapter that keys entries
 * by question then tries the exact entry for that question first (same normalised key,
 * see question-key.ts): never another question's answer because the approximate index
 * missed the right one.
 */
export interface QuestionScope extends CacheScope {
  question?: string;
}

/** Who asks, for a lookup outside any transaction of the caller's (one round trip). */
export interface CacheRequest {
  claims: RequestClaims;
  tenantId: string;
  embeddingModel: string;
  question: string;
}

export interface CacheHit {
  id: string;
  question: string;
  answer: string;
  source: CacheSource;
  citations: Citation[];
  similarity: number;
}

export interface CacheEntryInput {
  question: string;
  embedding: number[];
  answer: string;
  source: CacheSource;
  citations: Citation[];
  sourceIds: string[];
  confidence: number | null;
  ticketId?: string | null;
  /** The staff member who reviewed a human entry (recorded with the time of approval). */
  approvedBy?: string | null;
  ttlDays: number;
}

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

/** An unexpired cache entry whose vector came from another embedding model. */
export interface StaleCacheEntry {
  id: string;
  question: string;
}

/**
 * The entries as staff manage them (the Control Center's "Answer cache" page) and as the
 * re-embedding job updates them. Staff operations take the staff member's transaction:
 * the adapter reads the tenant (and the approver) from its claims. Ids and answers are
 * validated by the adapter (entry-input.ts); an entry of another tenant is not found.
 */
export interface CacheEntryStore {
  listEntries(tx: Tx, options: { limit?: number; offset?: number }): Promise<CacheEntryPage>;
  findEntry(tx: Tx, id: string): Promise<CacheEntrySummary | null>;
  /** Editing approves the entry as the caller: it becomes a human answer. */
  updateAnswer(tx: Tx, id: string, answer: string): Promise<CacheEntrySummary>;
  deleteEntry(tx: Tx, id: string): Promise<void>;
  /**
   * After an embedding-model change the re-embedding job re-embeds a tenant's entries
   * (their question text) batch by batch, so approved answers stay reachable: up to
   * `limit` unexpired entries whose vector another model made.
   */
  staleEntries(scope: CacheScope, limit: number, dimensions: number): Promise<StaleCacheEntry[]>;
  /** Stores the entries' new vectors and the model that made them, together. */
  setEmbeddings(scope: CacheScope, entries: StaleCacheEntry[], vectors: number[][]): Promise<void>;
}

/**
 * The semantic cache, one interface with two adapters (lib/cache/adapters): pgvector (a
 * table under RLS, the default) and Upstash Vector (one namespace per tenant, deployed).
 * Lookup returns the nearest unexpired entry of the caller's tenant at or above the
 * threshold; human answers win over AI answers for the same question.
 */
export interface SemanticCache extends CacheEntryStore {
  /** For reports and logs; code decides by the properties below, never by the name. */
  readonly name: "pgvector" | "upstash";
  /**
   * True when writes (and invalidations) run in the caller's transaction (scope.tx) and
   * commit or roll back with it; false when the store is outside the database and a
   * write stands at once, whatever becomes of that transaction.
   */
  readonly writesJoinTransaction: boolean;
  lookup(scope: QuestionScope, embedding: number[], threshold: number): Promise<CacheHit | null>;
  /**
   * The entry stored under this very question's normalised key, found without an
   * embedding (adapters that key entries by question; the others leave it out).
   */
  lookupExact?(scope: CacheScope & { question: string }, threshold: number): Promise<CacheHit | null>;
  /**
   * A lookup outside any transaction of the caller's, in one round trip (adapters that
   * can; the others are called inside a transaction of the request's claims). A null
   * embedding looks up the exact question only.
   */
  lookupAs?(request: CacheRequest, embedding: number[] | null, threshold: number): Promise<CacheHit | null>;
  /** Upserts by normalised question; an AI write never overwrites a human entry. */
  write(scope: CacheScope, entry: CacheEntryInput): Promise<void>;
  recordHit(scope: CacheScope, id: string): Promise<void>;
  /** Drops AI entries that cited any of these sources (document changed or deleted). */
  invalidateSources(scope: CacheScope, sourceIds: string[]): Promise<number>;
}
