import "server-only";
import { z } from "zod";
import type { CacheEntryInput, CacheHit, CacheScope, SemanticCache } from "@/lib/cache/port";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { LOOKUP_CANDIDATES, pickBestHit } from "@/lib/cache/ranking";
import { upstashEntries } from "@/lib/cache/adapters/upstash-entries";
import { entryIdFor, namespaceFor, tenantFilter, type UpstashEntryMetadata, type UpstashIndex } from "@/lib/cache/adapters/upstash-index";

// Values spliced into filter strings are validated, never escaped: a quote cannot get in.
const sourceIdsSchema = z.array(z.string().uuid());
const modelId = z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/, "unsupported embedding model id");

/** Upstash Vector scores cosine as (1 + cos) / 2; thresholds are plain cosine similarity. */
function cosineFromScore(score: number): number {
  return score * 2 - 1;
}

/**
 * The deployed adapter: Upstash Vector, one namespace per tenant. The store is outside
 * the database, so writes never join the caller's transaction; staff operations take the
 * tenant from the staff member's claims (upstash-entries.ts).
 */
export function createUpstashCache(index: UpstashIndex): SemanticCache {
  const space = (scope: CacheScope) => index.namespace(namespaceFor(scope.tenantId));

  async function lookup(scope: CacheScope, embedding: number[], threshold: number): Promise<CacheHit | null> {
    const now = Date.now();
    const model = modelId.parse(scope.embeddingModel);
    const results = await space(scope).query({
      vector: embedding,
      topK: LOOKUP_CANDIDATES,
      includeMetadata: true,
      filter: `${tenantFilter(scope.tenantId)} AND embedding_model = '${model}' AND expires_at > ${now}`,
    });
    const candidates = results.flatMap((r): CacheHit[] => {
      const m = r.metadata;
      // Trust nothing the store returns that does not match this tenant, model and time.
      if (!m || m.tenant_id !== scope.tenantId || m.embedding_model !== model || !(m.expires_at > now)) return [];
      const hit = { id: String(r.id), question: m.question, answer: m.answer, source: m.source, citations: m.citations };
      return [{ ...hit, similarity: cosineFromScore(r.score) }];
    });
    return pickBestHit(candidates, threshold);
  }

  /**
   * Fetch-then-upsert: Upstash has no conditional write, so a human answer written in
   * the instant between an AI write's fetch and upsert could be overwritten by it.
   */
  async function write(scope: CacheScope, entry: CacheEntryInput): Promise<void> {
    const key = normalizeQuestion(entry.question);
    const id = entryIdFor(key);
    const [existing] = await space(scope).fetch([id], { includeMetadata: true });
    const previous = existing?.metadata;
    if (previous?.source === "human" && entry.source === "ai") return;
    const now = Date.now();
    const metadata: UpstashEntryMetadata = {
      tenant_id: scope.tenantId,
      question: entry.question,
      question_key: key,
      answer: entry.answer,
      source: entry.source,
      citations: entry.citations,
      source_ids: sourceIdsSchema.parse(entry.sourceIds),
      confidence: entry.confidence,
      ticket_id: entry.ticketId ?? null,
      embedding_model: modelId.parse(scope.embeddingModel),
      expires_at: now + entry.ttlDays * 86_400_000,
      created_at: previous?.created_at ?? now,
      updated_at: now,
      hits: previous?.hits ?? 0,
      last_hit_at: previous?.last_hit_at ?? null,
      approved_by: entry.approvedBy ?? null,
      approved_at: entry.approvedBy ? now : null,
    };
    await space(scope).upsert({ id, vector: entry.embedding, metadata });
  }

  /** A read-modify-write counter: concurrent hits may undercount, which a hit count tolerates. */
  async function recordHit(scope: CacheScope, id: string): Promise<void> {
    const [existing] = await space(scope).fetch([id], { includeMetadata: true });
    if (!existing?.metadata || existing.metadata.tenant_id !== scope.tenantId) return;
    // PATCH merges these keys into the stored metadata; the SDK types ask for a whole object.
    const patch = { hits: (existing.metadata.hits ?? 0) + 1, last_hit_at: Date.now() };
    await space(scope).update({ id, metadata: patch as UpstashEntryMetadata, metadataUpdateMode: "PATCH" });
  }

  async function invalidateSources(scope: CacheScope, sourceIds: string[]): Promise<number> {
    const ids = sourceIdsSchema.parse(sourceIds);
    if (ids.length === 0) return 0;
    const cited = ids.map((s) => `source_ids CONTAINS '${s}'`).join(" OR ");
    const result = await space(scope).delete({ filter: `${tenantFilter(scope.tenantId)} AND source = 'ai' AND (${cited})` });
    return result.deleted;
  }

  return { name: "upstash", writesJoinTransaction: false, lookup, write, recordHit, invalidateSources, ...upstashEntries(index) };
}
