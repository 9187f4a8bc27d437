import type { Embedder } from "./embeddings";

/*
 * Sentence embeddings of knowledge-base passages, remembered per process. The offline
 * answerer embeds every sentence of the passages it reads; popular passages come back
 * question after question, so most of that work is the same. Only a speed-up: a miss
 * just embeds again, and nothing here is needed by another process.
 */

const CAPACITY = 2_000;

/** A vector without its zero padding (a 384-dimension model's vectors are padded to 1536). */
interface Stored {
  length: number;
  values: Float64Array;
}

const memo = new Map<string, Stored>();

function pack(vector: number[]): Stored {
  let end = vector.length;
  while (end > 0 && vector[end - 1] === 0) end--;
  return { length: vector.length, values: Float64Array.from(vector.slice(0, end)) };
}

function unpack({ length, values }: Stored): number[] {
  const vector = new Array<number>(length).fill(0);
  values.forEach((value, i) => (vector[i] = value));
  return vector;
}

const keyOf = (modelId: string, text: string) => `${modelId}\u0000${text}`;

function remember(key: string, vector: number[]): void {
  memo.delete(key);
  memo.set(key, pack(vector));
  // Map iteration order is insertion order: the first key is the least recently used.
  if (memo.size > CAPACITY) memo.delete(memo.keys().next().value!);
}

/**
 * Embeds `fresh` (never remembered: the visitor's question) and `known` (passage text,
 * remembered) in one call to the embedder for whatever is not remembered yet.
 */
export async function embedWithMemo(embedder: Embedder, fresh: string[], known: string[]): Promise<{ fresh: number[][]; known: number[][] }> {
  const cached = known.map((text) => {
    const key = keyOf(embedder.modelId, text);
    const hit = memo.get(key);
    if (hit) {
      memo.delete(key);
      memo.set(key, hit);
    }
    return hit;
  });
  const missing = [...new Set(known.filter((_text, i) => !cached[i]))];
  const vectors = await embedder.embed([...fresh, ...missing]);
  const computed = new Map(missing.map((text, i) => [text, vectors[fresh.length + i]]));
  for (const [text, vector] of computed) remember(keyOf(embedder.modelId, text), vector);
  return {
    fresh: vectors.slice(0, fresh.length),
    known: known.map((text, i) => (cached[i] ? unpack(cached[i]!) : computed.get(text)!)),
  };
}

/** Tests start from an empty memo. */
export function clearEmbeddingMemoForTests(): void {
  memo.clear();
}
