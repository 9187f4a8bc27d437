import { normalizeQuestion } from "@/lib/cache/question-key";
import { seededRandom } from "./random";

/**
 * The three kinds of cache traffic the benchmarks send, each checked before it is used:
 *  - exact: a seeded question asked again (same normalised key: an index probe);
 *  - paraphrase: a seeded question reworded so its normalised key changes, kept only if
 *    its true nearest entry (exhaustive search) is its source and at or above the
 *    threshold: it must be answered through the vector index, with that source's answer;
 *  - miss: an off-topic question whose nearest entry is below the threshold.
 */
export type QueryKind = "exact" | "paraphrase" | "miss";

export interface CacheQuery {
  kind: QueryKind;
  text: string;
  /** Index of the seeded entry that must answer it (null for a miss). */
  expected: number | null;
  /** Its true nearest entry's similarity, by exhaustive search. */
  nearestSimilarity: number;
}

const PREFIXES = ["Hi, ", "Hello! ", "Quick question: ", "Hey there, ", "Good morning, ", "Sorry to bother you, "];
const SUFFIXES = [" Thanks!", " Thank you.", " Cheers.", " Thanks in advance.", " Many thanks!", ""];

/** A seeded rewording of a support question: greeting and sign-off around it. */
export function paraphrase(question: string, random: () => number): string {
  const prefix = PREFIXES[Math.floor(random() * PREFIXES.length)];
  const suffix = SUFFIXES[Math.floor(random() * SUFFIXES.length)];
  return `${prefix}${question.charAt(0).toLowerCase()}${question.slice(1)}${suffix}`;
}

const TOPICS = ["the museum", "the swimming pool", "the train to Lyon", "the football match", "the bakery", "the library", "the concert", "the ferry", "the zoo", "the ski lift"];
const ASKS = ["What time does", "When does", "Until when does", "On which days does", "How late does"];
const ENDS = ["open on Sundays", "close tonight", "run during holidays", "start tomorrow", "open in winter"];

/** Off-topic questions (opening hours of places) that no support entry should answer. */
export function offTopicQuestions(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    return `${pick(ASKS)} ${pick(TOPICS)} ${pick(ENDS)}?`;
  });
}

/**
 * One tenant's vectors in memory for exhaustive nearest-neighbour search (the truth the
 * index and the product are checked against). Vectors are stored normalised.
 */
export class VectorSet {
  private readonly data: Float32Array;
  readonly size: number;

  constructor(
    vectors: number[][],
    private readonly dims: number,
  ) {
    this.size = vectors.length;
    this.data = new Float32Array(this.size * dims);
    vectors.forEach((v, i) => {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += v[d] * v[d];
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dims; d++) this.data[i * dims + d] = v[d] * scale;
    });
  }

  /**
   * The nearest stored vector by cosine similarity. Only the query's non-zero coordinates
   * are visited: hashed n-gram vectors are sparse, which makes 100k entries affordable.
   */
  nearest(query: number[]): { index: number; similarity: number } {
    let norm = 0;
    for (let d = 0; d < this.dims; d++) norm += query[d] * query[d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const dims: number[] = [];
    for (let d = 0; d < this.dims; d++) if (query[d] !== 0) dims.push(d);
    const values = Float32Array.from(dims, (d) => query[d] * scale);
    const at = Int32Array.from(dims);
    let best = -1;
    let bestSim = -Infinity;
    for (let i = 0; i < this.size; i++) {
      let dot = 0;
      const base = i * this.dims;
      for (let j = 0; j < at.length; j++) dot += values[j] * this.data[base + at[j]];
      if (dot > bestSim) {
        bestSim = dot;
        best = i;
      }
    }
    return { index: best, similarity: bestSim };
  }
}

/** The last non-zero coordinate + 1 over some vectors: zero padding need not be searched. */
export function usedDimensions(vectors: number[][]): number {
  let used = 1;
  for (const v of vectors) for (let d = v.length - 1; d >= used; d--) if (v[d] !== 0) used = d + 1;
  return used;
}

export interface QueryPlan {
  queries: CacheQuery[];
  /** Candidates generated per kind, and how many were dropped by the checks. */
  generated: Record<QueryKind, number>;
  dropped: Record<QueryKind, number>;
}

/**
 * Builds `perKind` checked queries of each kind for one tenant's seeded questions, with
 * the embedder that seeded them.
 */
export async function planTenantQueries(options: {
  questions: string[];
  vectors: VectorSet;
  embed: (texts: string[]) => Promise<number[][]>;
  threshold: number;
  perKind: number;
  seed: number;
}): Promise<QueryPlan> {
  const { questions, vectors, threshold, perKind } = options;
  const random = seededRandom(options.seed);
  const generated = { exact: 0, paraphrase: 0, miss: 0 };
  const dropped = { exact: 0, paraphrase: 0, miss: 0 };
  const queries: CacheQuery[] = [];
  const keys = new Set(questions.map(normalizeQuestion));
  for (let n = 0; n < perKind; n++) {
    const i = Math.floor(random() * questions.length);
    queries.push({ kind: "exact", text: questions[i], expected: i, nearestSimilarity: 1 });
    generated.exact++;
  }
  // Paraphrases: up to 4 candidates per kept one, so a strict embedder still yields enough.
  const sources = Array.from({ length: perKind * 4 }, () => Math.floor(random() * questions.length));
  const candidates = sources.map((i) => ({ i, text: paraphrase(questions[i], random) })).filter((c) => !keys.has(normalizeQuestion(c.text)));
  const candidateVectors = await options.embed(candidates.map((c) => c.text));
  for (const [j, c] of candidates.entries()) {
    if (queries.filter((q) => q.kind === "paraphrase").length >= perKind) break;
    generated.paraphrase++;
    const truth = vectors.nearest(candidateVectors[j]);
    if (truth.index !== c.i || truth.similarity < threshold) {
      dropped.paraphrase++;
      continue;
    }
    queries.push({ kind: "paraphrase", text: c.text, expected: c.i, nearestSimilarity: truth.similarity });
  }
  const misses = offTopicQuestions(perKind * 2, options.seed + 1).filter((q) => !keys.has(normalizeQuestion(q)));
  const missVectors = await options.embed(misses);
  for (const [j, text] of misses.entries()) {
    if (queries.filter((q) => q.kind === "miss").length >= perKind) break;
    generated.miss++;
    const truth = vectors.nearest(missVectors[j]);
    if (truth.similarity >= threshold) {
      dropped.miss++;
      continue;
    }
    queries.push({ kind: "miss", text, expected: null, nearestSimilarity: truth.similarity });
  }
  return { queries, generated, dropped };
}
