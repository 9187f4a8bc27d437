/** Width of every stored embedding column (`vector(1536)`, OpenAI text-embedding-3-small). */
export const EMBEDDING_DIMENSIONS = 1536;

/**
 * Zero-pads a shorter embedding to the stored width. Padding with zeros leaves dot
 * products and norms, and so cosine similarity, unchanged, which is why a smaller
 * model can share the `vector(1536)` column.
 */
export function padEmbedding(v: number[], dims = EMBEDDING_DIMENSIONS): number[] {
  if (v.length > dims) {
    throw new RangeError(
      `Embedding has ${v.length} dimensions but the store holds at most ${dims}; ` +
        "use a model with fewer dimensions or request shortened embeddings.",
    );
  }
  if (v.length === dims) return v;
  const padded = new Array<number>(dims).fill(0);
  for (let i = 0; i < v.length; i++) padded[i] = v[i];
  return padded;
}

/** The widths the semantic cache stores and indexes (migration 2026120100900). */
export type CacheVectorWidth = 384 | 1536;

/**
 * The vector the semantic cache stores for a model of that width: a 384-wide model's
 * vector (all-MiniLM-L6-v2, padded to 1536 for the shared width) without its padding,
 * anything else at 1536. Cutting padding changes no similarity and makes the index, the
 * distance arithmetic and the text sent per lookup four times smaller.
 */
export function cacheVector(v: number[], width: CacheVectorWidth): number[] {
  // Any other length is the database's to refuse, with a message naming the widths.
  if (v.length <= width) return v;
  for (let i = width; i < v.length; i++) {
    if (v[i] !== 0) throw new RangeError(`This model's vectors are ${width} wide, but this one has a number at position ${i + 1}.`);
  }
  return v.slice(0, width);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is all zeros (nothing to compare). */
export function cosineSimilarity(a: number[], b: number[]): number {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot compare embeddings of ${a.length} and ${b.length} dimensions.`);
  }
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  if (normA === 0 || normB === 0) return 0;
  return dot / Math.sqrt(normA * normB);
}

/** pgvector's text input format, e.g. `[0.1,-0.2,0]`; rejects values pgvector would refuse. */
export function toPgVector(v: number[]): string {
  for (const x of v) {
    if (!Number.isFinite(x)) throw new RangeError("Embedding contains a non-finite value (NaN or Infinity).");
  }
  return `[${v.join(",")}]`;
}
