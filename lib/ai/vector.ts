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
