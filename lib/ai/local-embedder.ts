import "server-only";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { EmbeddingThreadOptions, EmbeddingThreadReply, EmbeddingThreadRequest } from "@/lib/ai/embedding-thread";
import { EMBEDDING_DIMENSIONS, padEmbedding } from "@/lib/ai/vector";

/** all-MiniLM-L6-v2 was trained on (and sentence-transformers truncates to) 256 tokens. */
const MAX_TOKENS = 256;
/** Single-question calls arriving within this window share one inference. */
const BATCH_WINDOW_MS = 2;
/** Questions per inference: larger batches pad more and gain little on one thread. */
const MAX_BATCH = 32;
/**
 * Tokens (padded) per inference for passages: activations grow with batch × length², and
 * 8 passages of 256 tokens are as fast per text as 32 on one thread at a fraction of the
 * memory; short texts go 64 at a time.
 */
const DOCUMENT_BATCH_TOKENS = 8 * MAX_TOKENS;
const MAX_DOCUMENT_BATCH = 64;
const LRU_SIZE = 2_000;

export interface LocalEmbedderOptions {
  /** The models folder; the model is loaded from `<modelsRoot>/<modelName>`. */
  modelsRoot: string;
  modelName: string;
  modelId: string;
}

export interface LocalEmbedder {
  modelId: string;
  dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
  /** Loads the model and runs one inference, so the first question pays nothing. */
  warm(): Promise<void>;
}

interface Pending {
  text: string;
  resolve: (v: number[]) => void;
  reject: (e: unknown) => void;
}

/**
 * A sentence embedder run in process by transformers.js on ONNX Runtime, from local files
 * only (remote loading off), on a thread of its own (lib/ai/embedding-thread.ts) so the
 * event loop keeps serving requests while it computes. One loaded copy; one inference at
 * a time with one ONNX thread (two stall when the other core is busy). Concurrent
 * single-text calls, the chat's questions, are gathered for a few ms into one batch, and
 * recent questions' vectors are kept in an LRU, so repeats cost nothing.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions): LocalEmbedder {
  let loading: Promise<Encoder> | undefined;
  const queue: Pending[] = [];
  const lru = new Map<string, number[]>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const load = () => {
    if (loading) return loading;
    // A thread that stops later is replaced on the next call.
    const current: Promise<Encoder> = loadPipeline(options, () => {
      if (loading === current) loading = undefined;
    }).catch((error: unknown) => {
      loading = undefined; // a later call may try again (e.g. after npm install)
      throw new Error(
        `The local embedder ${options.modelId} could not load from ${options.modelsRoot}/${options.modelName}: ` +
          `${(error as Error).message}. Install the optional runtime with ` +
          "`ONNXRUNTIME_NODE_INSTALL=skip npm install`, or set OPENAI_API_KEY.",
      );
    });
    loading = current;
    return current;
  };

  async function infer(texts: string[]): Promise<number[][]> {
    const encode = await load();
    const out = new Array<number[]>(texts.length);
    for (const batch of planBatches(texts)) {
      const vectors = await encode(batch.map((i) => texts[i]));
      batch.forEach((i, k) => (out[i] = vectors[k]));
    }
    return out;
  }

  // Inference runs one batch at a time; requests that arrive meanwhile form the next batch.
  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const vectors = await infer(batch.map((p) => p.text));
          batch.forEach((p, i) => {
            remember(p.text, vectors[i]);
            p.resolve(vectors[i]);
          });
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  function remember(text: string, vector: number[]): void {
    lru.delete(text);
    lru.set(text, vector);
    if (lru.size > LRU_SIZE) lru.delete(lru.keys().next().value as string);
  }

  function embedOne(text: string): Promise<number[]> {
    const hit = lru.get(text);
    if (hit) {
      remember(text, hit);
      return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      queue.push({ text, resolve, reject });
      if (queue.length >= MAX_BATCH) {
        clearTimeout(timer);
        timer = undefined;
        void drain();
      } else {
        timer ??= setTimeout(() => {
          timer = undefined;
          void drain();
        }, BATCH_WINDOW_MS);
      }
    });
  }

  return {
    modelId: options.modelId,
    dimensions: EMBEDDING_DIMENSIONS,
    async embed(texts) {
      if (texts.length === 0) return [];
      // Questions go through the batcher and the LRU; documents (ingestion) are already
      // batched by their caller and would only evict the questions.
      if (texts.length === 1) return [await embedOne(texts[0])];
      return infer(texts);
    },
    async warm() {
      await infer(["warm-up"]);
    },
  };
}

/**
 * Groups texts (by index) for inference: sorted by length so a batch pads little, each
 * batch within DOCUMENT_BATCH_TOKENS padded tokens (about 4 characters a token, capped at
 * the model's 256) and MAX_DOCUMENT_BATCH texts.
 */
export function planBatches(texts: readonly string[]): number[][] {
  const tokens = (i: number) => Math.min(MAX_TOKENS, Math.ceil(texts[i].length / 4) + 2);
  const order = texts.map((_t, i) => i).sort((a, b) => tokens(a) - tokens(b));
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    // Sorted ascending, so the text being added is the longest: the batch pads to it.
    if (current.length > 0 && (current.length + 1) * tokens(i) > DOCUMENT_BATCH_TOKENS) {
      batches.push(current);
      current = [];
    }
    current.push(i);
    if (current.length === MAX_DOCUMENT_BATCH) {
      batches.push(current);
      current = [];
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

type Encoder = (texts: string[]) => Promise<number[][]>;

/** lib/ai/embedding-thread.ts, by path: Node runs it as it is (its own TypeScript support). */
const THREAD_FILE = path.join(process.cwd(), "lib", "ai", "embedding-thread.ts");

/**
 * Starts the embedder's thread (lib/ai/embedding-thread.ts) and resolves once it has
 * loaded the model and embedded one text, so a broken model fails here as before. The
 * thread does not keep the process alive; if it stops, pending texts fail and onStopped
 * lets the next call start a new one.
 */
async function loadPipeline(options: LocalEmbedderOptions, onStopped: () => void): Promise<Encoder> {
  const workerData: { embeddingThread: EmbeddingThreadOptions } = {
    embeddingThread: { modelsRoot: options.modelsRoot, modelName: options.modelName, maxTokens: MAX_TOKENS },
  };
  const worker = new Worker(THREAD_FILE, { workerData });
  worker.unref();
  const pending = new Map<number, { resolve: (v: number[][]) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on("message", (reply: EmbeddingThreadReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ("error" in reply) return waiting.reject(new Error(reply.error));
    const vectors: number[][] = [];
    for (let r = 0; r * reply.width < reply.data.length; r++) {
      vectors.push(padEmbedding(Array.from(reply.data.subarray(r * reply.width, (r + 1) * reply.width)), EMBEDDING_DIMENSIONS));
    }
    waiting.resolve(vectors);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => {
    failAll(new Error(`The embedding thread stopped (exit code ${code}).`));
    onStopped();
  });
  const encode: Encoder = (texts) => {
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts } satisfies EmbeddingThreadRequest);
    });
  };
  try {
    await encode(["warm-up"]);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return encode;
}
