/** A candidate found by the vector search, the full-text search, or both (ranks from 1). */
export interface RankedCandidate {
  id: string;
  vectorRank: number | null;
  textRank: number | null;
}

export type FusedCandidate<T extends RankedCandidate> = T & { score: number };

/** The usual RRF constant: it damps the difference between the very top ranks. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list a candidate appears in adds 1 / (k + rank). Ranks,
 * unlike raw scores, are comparable between cosine distance and ts_rank, so no
 * calibration is needed, and a chunk found by both searches rises above either alone.
 */
export function fuseRankings<T extends RankedCandidate>(candidates: T[], k = RRF_K): FusedCandidate<T>[] {
  return candidates
    .map((c) => ({
      ...c,
      score: (c.vectorRank ? 1 / (k + c.vectorRank) : 0) + (c.textRank ? 1 / (k + c.textRank) : 0),
    }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.vectorRank ?? Infinity) - (b.vectorRank ?? Infinity) ||
        (a.textRank ?? Infinity) - (b.textRank ?? Infinity) ||
        a.id.localeCompare(b.id),
    );
}
