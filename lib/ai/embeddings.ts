import "server-only";
import { embedMany } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { createLocalEmbedder } from "@/lib/ai/local-embedder";
import { MINILM, modelDir, modelsDir } from "@/lib/ai/models/manifest";
import { checkModelFolder } from "@/lib/ai/models/verify";
import { EMBEDDING_DIMENSIONS, embedOfflineMany, OFFLINE_EMBEDDING_MODEL_ID } from "@/lib/ai/offline-embedder";
import { padEmbedding, type CacheVectorWidth } from "@/lib/ai/vector";
import { env } from "@/lib/env";

/** Turns texts into 1536-dimension vectors; modelId is recorded beside every vector. */
export interface Embedder {
  modelId: string;
  dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
  /** Loads a local model ahead of the first question (no-op for remote and hash embedders). */
  warm?(): Promise<void>;
}

/** Model ids of the local MiniLM embedder start with this (the rest names its ONNX file). */
export const MINILM_MODEL_ID_PREFIX = "local:all-MiniLM-L6-v2-int8";

/** The width the semantic cache stores a model's vectors at: MiniLM's own 384, else 1536. */
export function cacheWidthOf(modelId: string): CacheVectorWidth {
  return modelId.startsWith(MINILM_MODEL_ID_PREFIX) ? 384 : 1536;
}

export const hashEmbedder: Embedder = {
  modelId: OFFLINE_EMBEDDING_MODEL_ID,
  dimensions: EMBEDDING_DIMENSIONS,
  embed: async (texts) => embedOfflineMany(texts),
};

let override: Embedder | undefined;
let configured: Embedder | undefined;

/**
 * The embedder the product uses: OpenAI (or any OpenAI-compatible server by base URL)
 * when configured; otherwise the local all-MiniLM-L6-v2 model when its files are in
 * MODELS_DIR and intact; the deterministic hash embedder as the last fallback. Shorter
 * vectors are zero-padded to 1536, which leaves cosine similarity unchanged.
 */
export function getEmbedder(): Embedder {
  if (override) return override;
  configured ??= chooseEmbedder();
  return configured;
}

function chooseEmbedder(): Embedder {
  const { OPENAI_API_KEY, OPENAI_BASE_URL, EMBEDDING_MODEL, LOCAL_EMBEDDER, MODELS_DIR } = env();
  if (OPENAI_API_KEY || OPENAI_BASE_URL) return openAiEmbedder(OPENAI_API_KEY, OPENAI_BASE_URL, EMBEDDING_MODEL);
  if (LOCAL_EMBEDDER === "hash") return hashEmbedder;
  return localMiniLmEmbedder(modelsDir(MODELS_DIR)) ?? hashEmbedder;
}

/** The local MiniLM embedder, or undefined (with a message naming the file) when its files are not usable. */
export function localMiniLmEmbedder(root: string): Embedder | undefined {
  const check = checkModelFolder(MINILM, modelDir(MINILM, root));
  if (!check.ok) {
    console.warn(
      `[embeddings] The local embedder cannot be used: ${check.message}. Falling back to the hash embedder ` +
        `(${OFFLINE_EMBEDDING_MODEL_ID}), which matches wording, not meaning. Run \`npm run models:fetch\` to fix.`,
    );
    return undefined;
  }
  // Each source's int8 export gives slightly different vectors: the id names the file.
  const onnx = check.hashes[MINILM.weights].slice(0, 8);
  return createLocalEmbedder({ modelsRoot: root, modelName: MINILM.id, modelId: `${MINILM_MODEL_ID_PREFIX}:${onnx}` });
}

function openAiEmbedder(apiKey: string | undefined, baseURL: string | undefined, modelName: string): Embedder {
  const provider = createOpenAI({ apiKey: apiKey ?? "not-needed", baseURL });
  const model = provider.embedding(modelName);
  return {
    modelId: `${baseURL ? "openai-compatible" : "openai"}:${modelName}`,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts) {
      if (texts.length === 0) return [];
      // Like every model call, within MODEL_TIMEOUT_MS (retries included): a server that
      // takes the request and never answers must not hold a visitor's question for ever.
      const abortSignal = AbortSignal.timeout(env().MODEL_TIMEOUT_MS);
      const { embeddings } = await embedMany({ model, values: texts, maxRetries: 2, abortSignal });
      return embeddings.map((v) => padEmbedding(v, EMBEDDING_DIMENSIONS));
    },
  };
}

/** Tests swap the embedder here and nowhere else. */
export function setEmbedderForTests(embedder: Embedder | undefined): void {
  override = embedder;
}
