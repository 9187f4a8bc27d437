import { getEmbedder } from "@/lib/ai/embeddings";
import { withTenant } from "@/lib/db/tenant";
import { embeddingInput, insertChunks } from "@/lib/rag/chunk-store";
import type { TestTenant } from "./fixtures";
import { HELP_ARTICLES } from "./knowledge-fixtures";

/**
 * Gives a tenant a small ready knowledge base: one source per article, one chunk each,
 * stored in the ingestion pipeline's chunk format with the current embedder.
 */
export async function seedKnowledgeBase(tenant: TestTenant, articles = HELP_ARTICLES): Promise<Map<string, string>> {
  const embedder = getEmbedder();
  const embeddings = await embedder.embed(articles.map((a) => embeddingInput(a.title, a.content)));
  const sourceIds = new Map<string, string>();
  await withTenant(tenant.owner, async (tx) => {
    for (const [i, article] of articles.entries()) {
      const { rows } = await tx.query<{ id: string }>(
        `insert into public.sources (tenant_id, title, kind, url, status, chunks_total, chunks_done, embedding_model)
         values ($1, $2, 'markdown', $3, 'ready', 1, 1, $4) returning id`,
        [tenant.id, article.title, article.url, embedder.modelId],
      );
      const sourceId = rows[0].id;
      sourceIds.set(article.title, sourceId);
      await insertChunks(
        tx,
        { tenantId: tenant.id, sourceId, version: 1, title: article.title, url: article.url, embeddingModel: embedder.modelId },
        [{ index: 0, content: article.content, headingPath: [], page: null, embedding: embeddings[i] }],
      );
    }
    await tx.query("update public.tenants set embedding_model = $2 where id = $1", [tenant.id, embedder.modelId]);
  });
  return sourceIds;
}
