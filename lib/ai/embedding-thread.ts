/**
 * The local embedder's own thread (worker_threads): tokenizer, ONNX inference and pooling
 * run here, off the event loop that serves requests. ONNX Runtime's Node binding runs a
 * session synchronously on the calling thread: in the app's main thread every batch of
 * questions (a few ms) stopped every other request, and the second core sat idle.
 *
 * Started by lib/ai/local-embedder.ts from this file's path and run by Node's own
 * TypeScript support, so it uses erasable syntax only and no path aliases.
 *
 * Protocol: { id, texts } in; { id, data, width } out, `data` the L2-normalised mean-pooled
 * vectors row after row (its buffer transferred, not copied), or { id, error }.
 */
import { parentPort, workerData } from "node:worker_threads";

export interface EmbeddingThreadOptions {
  modelsRoot: string;
  modelName: string;
  maxTokens: number;
}

export interface EmbeddingThreadRequest {
  id: number;
  texts: string[];
}

export type EmbeddingThreadReply = { id: number; data: Float32Array; width: number } | { id: number; error: string };

type Encode = (texts: string[]) => Promise<{ data: Float32Array; width: number }>;

async function loadEncoder(options: EmbeddingThreadOptions): Promise<Encode> {
  const { env, AutoModel, AutoTokenizer, mean_pooling } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.modelsRoot;
  const tokenizer = await AutoTokenizer.from_pretrained(options.modelName, { local_files_only: true });
  const model = await AutoModel.from_pretrained(options.modelName, {
    dtype: "q8",
    device: "cpu",
    local_files_only: true,
    // One thread: this thread is the embedder's core. The arena would keep the largest
    // batch's activations for the life of the process.
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1, enableCpuMemArena: false },
  });
  // Mean pooling over real tokens, then L2 normalisation: sentence-transformers' recipe.
  return async (texts) => {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: options.maxTokens });
    const { last_hidden_state: hidden } = await model(inputs);
    const pooled = mean_pooling(hidden, inputs.attention_mask).normalize(2, -1);
    const [, width] = pooled.dims as [number, number];
    return { data: new Float32Array(pooled.data as Float32Array), width };
  };
}

if (parentPort && workerData?.embeddingThread) {
  const port = parentPort;
  const encoder = loadEncoder(workerData.embeddingThread as EmbeddingThreadOptions);
  // A load failure is reported with each request, never thrown out of the thread.
  encoder.catch(() => undefined);
  port.on("message", async ({ id, texts }: EmbeddingThreadRequest) => {
    try {
      const { data, width } = await (await encoder)(texts);
      port.postMessage({ id, data, width }, [data.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
}
