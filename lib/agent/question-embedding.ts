import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { getEmbedder } from "@/lib/ai/embeddings";

export interface QuestionEmbedding {
  /** null when the embedding service failed: the run goes on without the cache. */
  embedding: number[] | null;
  model: string;
}

/**
 * A per-run memo passed in config.configurable.memo, never checkpointed. The cache
 * lookup before the run, retrieve and cache_update all need the question's embedding;
 * it is embedded once per run instead of being copied into every checkpoint.
 */
export interface RunMemo {
  embedding?: Promise<QuestionEmbedding>;
  /** performance.now() when the question reached the agent: time to first token counts from here. */
  startedAt?: number;
}

export async function embedQuestion(question: string): Promise<QuestionEmbedding> {
  const embedder = getEmbedder();
  try {
    const [embedding] = await embedder.embed([question]);
    return { embedding, model: embedder.modelId };
  } catch (error) {
    console.warn("[agent] embedding the question failed:", (error as Error).message);
    return { embedding: null, model: embedder.modelId };
  }
}

export function questionEmbedding(config: LangGraphRunnableConfig, question: string): Promise<QuestionEmbedding> {
  return memoizedEmbedding(config.configurable?.memo as RunMemo | undefined, question);
}

export function memoizedEmbedding(memo: RunMemo | undefined, question: string): Promise<QuestionEmbedding> {
  if (memo?.embedding) return memo.embedding;
  const result = embedQuestion(question);
  if (memo) memo.embedding = result;
  return result;
}
