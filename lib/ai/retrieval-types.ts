/** What an answer cites: enough to show a link under it and to invalidate it later. */
export interface Citation {
  sourceId: string;
  chunkId: string;
  title: string;
  url: string | null;
  page: number | null;
}

/** One retrieved chunk with its fused score and the parts of its rank. */
export interface RetrievedChunk {
  id: string;
  sourceId: string | null;
  content: string;
  title: string;
  url: string | null;
  page: number | null;
  headingPath: string[];
  score: number;
  vectorSimilarity: number | null;
  vectorRank: number | null;
  textRank: number | null;
}
