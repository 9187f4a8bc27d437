import type { Citation, RetrievedChunk } from "@/lib/ai/retrieval-types";

/** A chunk as an answer cites it; chunks without a source fall back to their own id. */
export function citationOf(chunk: RetrievedChunk): Citation {
  return { sourceId: chunk.sourceId ?? chunk.id, chunkId: chunk.id, title: chunk.title, url: chunk.url, page: chunk.page };
}

/** The sources an answer depends on: editing or deleting one invalidates the cached answer. */
export function sourceIdsOf(chunks: RetrievedChunk[]): string[] {
  return [...new Set(chunks.flatMap((c) => (c.sourceId ? [c.sourceId] : [])))];
}

/** What a ticket keeps of the retrieval, for the human who answers it. */
export function ticketContext(retrieved: RetrievedChunk[], relevant: RetrievedChunk[]) {
  const relevantIds = new Set(relevant.map((c) => c.id));
  return retrieved.map((c) => ({
    chunkId: c.id,
    sourceId: c.sourceId,
    title: c.title,
    url: c.url,
    page: c.page,
    content: c.content,
    score: c.score,
    vectorSimilarity: c.vectorSimilarity,
    relevant: relevantIds.has(c.id),
  }));
}
