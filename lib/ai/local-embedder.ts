import "server-only";
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
 * only (remote loading off). One loaded copy; one inference at a time on one thread (two
 * threads stall when the other core is busy). Concurrent single-text calls, the chat's
 * questions, are gathered for a few ms into one batch, and recent questions' vectors
 * are kept in an LRU, so repeats cost nothing.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions): LocalEmbedder {
  let loading: Promise<Encoder> | undefined;
  const queue: Pending[] = [];
  const lru = new Map<string, number[]>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const load = () => {
    loading ??= loadPipeline(options).catch((error: unknown) => {
      loading = undefined; // a later call may try again (e.g. after npm install)
      throw new Error(
        `The local embedder ${options.modelId} could not load from ${options.modelsRoot}/${options.modelName}: ` +
          `${(error as Error).message}. Install the optional runtime with ` +
          "`ONNXRUNTIME_NODE_INSTALL=skip npm install`, or set OPENAI_API_KEY.",
      );
    });
    return loading;
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

async function loadPipeline(options: LocalEmbedderOptions): Promise<Encoder> {
  // Loaded only in local mode: deployed builds neither need nor ship the runtime.
  const { env, AutoModel, AutoTokenizer, mean_pooling } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.modelsRoot;
  const tokenizer = await AutoTokenizer.from_pretrained(options.modelName, { local_files_only: true });
  const model = await AutoModel.from_pretrained(options.modelName, {
    dtype: "q8",
    device: "cpu",
    local_files_only: true,
    // The arena would keep the largest batch's activations for the life of the process.
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1, enableCpuMemArena: false },
  });
  // Mean pooling over real tokens, then L2 normalisation: sentence-transformers' recipe.
  return async (texts) => {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: MAX_TOKENS });
    const { last_hidden_state: hidden } = await model(inputs);
    const pooled = mean_pooling(hidden, inputs.attention_mask).normalize(2, -1);
    const [rows, width] = pooled.dims as [number, number];
    const data = pooled.data as Float32Array;
    const vectors: number[][] = [];
    for (let r = 0; r < rows; r++) {
      vectors.push(padEmbedding(Array.from(data.subarray(r * width, (r + 1) * width)), EMBEDDING_DIMENSIONS));
    }
    return vectors;
  };
}
