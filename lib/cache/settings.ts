import { z } from "zod";

export const DEFAULT_CACHE_TTL_DAYS = 7;

/** Cosine similarity a paraphrase needs with OpenAI embeddings (text-embedding-3-*). */
export const OPENAI_SIMILARITY_THRESHOLD = 0.9;

/**
 * The offline hashed n-gram embedder spreads paraphrases lower than OpenAI does, so it
 * needs its own threshold. Calibrated on banking77 (`npm run eval:cache`): 0.61 is the
 * lowest threshold with false hits <= 2% of queries when each intent has one cached
 * phrasing, but false hits grow with the cache (20 phrasings per intent: 3.5% at 0.70);
 * 0.75 stays under 2% at every cache size measured, at the cost of fewer hits.
 */
export const OFFLINE_SIMILARITY_THRESHOLD = 0.75;

export interface CacheSettings {
  similarityThreshold: number;
  ttlDays: number;
}

// A malformed tenant setting falls back to the default instead of breaking the chat.
const tenantCacheSettings = z.object({
  cache_similarity_threshold: z.number().gt(0).max(1).optional().catch(undefined),
  cache_ttl_days: z.number().positive().max(3650).optional().catch(undefined),
});

function defaultThreshold(embeddingModelId: string): number {
  return embeddingModelId.startsWith("offline-") ? OFFLINE_SIMILARITY_THRESHOLD : OPENAI_SIMILARITY_THRESHOLD;
}

/** The tenant's cache settings (tenants.settings), with per-embedding-model defaults. */
export function cacheSettingsFor(tenantSettings: unknown, embeddingModelId: string): CacheSettings {
  const parsed = tenantCacheSettings.safeParse(tenantSettings ?? {});
  const settings = parsed.success ? parsed.data : {};
  return {
    similarityThreshold: settings.cache_similarity_threshold ?? defaultThreshold(embeddingModelId),
    ttlDays: settings.cache_ttl_days ?? DEFAULT_CACHE_TTL_DAYS,
  };
}
