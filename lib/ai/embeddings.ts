import "server-only";
import { embedMany } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { EMBEDDING_DIMENSIONS, embedOfflineMany, OFFLINE_EMBEDDING_MODEL_ID } from "@/lib/ai/offline-embedder";
import { padEmbedding } from "@/lib/ai/vector";
import { env } from "@/lib/env";

/** Turns texts into 1536-dimension vectors; modelId is recorded beside every vector. */
export interface Embedder {
  modelId: string;
  dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

const offlineEmbedder: Embedder = {
  modelId: OFFLINE_EMBEDDING_MODEL_ID,
  dimensions: EMBEDDING_DIMENSIONS,
  embed: async (texts) => embedOfflineMany(texts),
};

let override: Embedder | undefined;
let configured: Embedder | undefined;

/**
 * The embedder the product uses: OpenAI (or any OpenAI-compatible server by base URL)
 * when configured, the offline hashed n-gram embedder otherwise. Shorter vectors are
 * zero-padded to 1536, which leaves cosine similarity unchanged.
 */
export function getEmbedder(): Embedder {
  if (override) return override;
  if (configured) return configured;
  const { OPENAI_API_KEY, OPENAI_BASE_URL, EMBEDDING_MODEL } = env();
  if (!OPENAI_API_KEY && !OPENAI_BASE_URL) {
    configured = offlineEmbedder;
    return configured;
  }
  const provider = createOpenAI({ apiKey: OPENAI_API_KEY ?? "not-needed", baseURL: OPENAI_BASE_URL });
  const model = provider.embedding(EMBEDDING_MODEL);
  configured = {
    modelId: `${OPENAI_BASE_URL ? "openai-compatible" : "openai"}:${EMBEDDING_MODEL}`,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts) {
      if (texts.length === 0) return [];
      const { embeddings } = await embedMany({ model, values: texts, maxRetries: 2 });
      return embeddings.map((v) => padEmbedding(v, EMBEDDING_DIMENSIONS));
    },
  };
  return configured;
}

/** Tests swap the embedder here and nowhere else. */
export function setEmbedderForTests(embedder: Embedder | undefined): void {
  override = embedder;
}
