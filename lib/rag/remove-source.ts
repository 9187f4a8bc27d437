import "server-only";
import { getEmbedder } from "@/lib/ai/embeddings";
import { invalidateCachedSources } from "@/lib/cache";
import type { Tx } from "@/lib/db/tenant";
import { auditSourceAction, deleteSource, type SourceSummary } from "@/lib/rag/sources";

/**
 * Deletes a source with its file and chunks, and the cached AI answers that cited it,
 * in the caller's transaction: if the cache cannot be cleared, nothing is deleted.
 * A running ingestion of it stops at its next write.
 */
export async function removeSource(tx: Tx, tenantId: string, id: string): Promise<SourceSummary | null> {
  const removed = await deleteSource(tx, id);
  if (!removed) return null;
  await invalidateCachedSources({ tx, tenantId, embeddingModel: getEmbedder().modelId }, [id]);
  await auditSourceAction(tx, "source.delete", removed);
  return removed;
}
