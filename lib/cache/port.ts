import type { Tx } from "@/lib/db/tenant";
import type { Citation } from "@/lib/ai/retrieval-types";

export type CacheSource = "ai" | "human";

export interface CacheScope {
  /** The caller's tenant-scoped transaction (the pgvector adapter queries through it). */
  tx: Tx;
  tenantId: string;
  /** Vectors of different models never mix: lookups only match entries of this model. */
  embeddingModel: string;
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

/**
 * The semantic cache, one interface with two adapters: pgvector (a table under RLS, the
 * default) and Upstash Vector (one namespace per tenant, deployed). Lookup returns the
 * nearest unexpired entry of the caller's tenant at or above the threshold; human
 * answers win over AI answers for the same question.
 */
export interface SemanticCache {
  readonly name: "pgvector" | "upstash";
  lookup(scope: CacheScope, embedding: number[], threshold: number): Promise<CacheHit | null>;
  /**
   * The entry stored under this very question's normalised key, found without an
   * embedding (adapters that key entries by question; the others leave it out).
   */
  lookupExact?(scope: CacheScope & { question: string }, threshold: number): Promise<CacheHit | null>;
  /** Upserts by normalised question; an AI write never overwrites a human entry. */
  write(scope: CacheScope, entry: CacheEntryInput): Promise<void>;
  recordHit(scope: CacheScope, id: string): Promise<void>;
  /** Drops AI entries that cited any of these sources (document changed or deleted). */
  invalidateSources(scope: CacheScope, sourceIds: string[]): Promise<number>;
}
