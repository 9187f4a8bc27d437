import type { CacheHit } from "@/lib/cache/port";

/** How many nearest entries a lookup considers before applying threshold and preference. */
export const LOOKUP_CANDIDATES = 5;

/**
 * Two candidates closer than this are "the same answer" as far as the user can tell; a
 * human-approved one then wins over an AI one even if it is a hair less similar.
 */
export const HUMAN_PREFERENCE_MARGIN = 0.02;

/** The entry to answer with: the most similar at or above threshold, humans first among near-ties. */
export function pickBestHit(candidates: CacheHit[], threshold: number): CacheHit | null {
  const eligible = candidates.filter((c) => c.similarity >= threshold).sort((a, b) => b.similarity - a.similarity);
  const best = eligible[0];
  if (!best) return null;
  if (best.source === "human") return best;
  const human = eligible.find((c) => c.source === "human" && best.similarity - c.similarity <= HUMAN_PREFERENCE_MARGIN);
  return human ?? best;
}
