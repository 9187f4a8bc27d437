import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { contentTerms, termOverlap } from "./terms";

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Cosine similarity mapped to 0..1. The range was read off the offline embedder, which
 * scores a short question against a long chunk far below 1 even when they match.
 */
function similarityScore(similarity: number | null): number {
  return clamp01(((similarity ?? 0) - 0.08) / 0.3);
}

/**
 * Retrieval's own evidence (0..1) that the relevant chunks answer the question: how many
 * of its terms they cover (together and in the best chunk), how close the best one is by
 * vector, and whether vector and full-text search agree on it. A language model's
 * answer is judged with it (assess_confidence) and it decides, before a model writes,
 * whether its answer may be streamed (lib/agent/stream-gate.ts).
 */
export function retrievalConfidence(question: string, relevant: RetrievedChunk[]): number {
  if (relevant.length === 0) return 0;
  const terms = contentTerms(question);
  if (terms.size === 0) return 0;
  const perChunk = relevant.map((c) => termOverlap(terms, contentTerms(`${c.title} ${c.content}`)));
  const union = termOverlap(terms, contentTerms(relevant.map((c) => `${c.title} ${c.content}`).join(" ")));
  const best = relevant.reduce((a, b) => ((b.vectorSimilarity ?? 0) > (a.vectorSimilarity ?? 0) ? b : a));
  const agreement = relevant.some((c) => c.vectorRank !== null && c.textRank !== null && c.vectorRank <= 3 && c.textRank <= 3)
    ? 1
    : relevant.some((c) => c.vectorRank !== null && c.textRank !== null)
      ? 0.5
      : 0;
  // Coverage counts squared: an answer missing one of three things asked is not two-thirds right.
  const confidence =
    0.45 * union ** 2 + 0.15 * Math.max(...perChunk) ** 2 + 0.25 * similarityScore(best.vectorSimilarity) + 0.15 * agreement;
  return Math.round(clamp01(confidence) * 1000) / 1000;
}
