import "server-only";
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { toPgVector } from "@/lib/ai/vector";
import { systemClaims } from "@/lib/db/claims";
import { setCacheEmbeddings, staleCacheEntries } from "@/lib/cache";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { defineJob } from "@/lib/jobs/define";
import { embeddingInput } from "@/lib/rag/chunk-store";
import { recordTenantModel, REEMBED_TENANT_JOB } from "@/lib/rag/embedding-model";

export { REEMBED_TENANT_JOB };

const BATCH = 64;

interface StaleChunk {
  id: string;
  chunk_index: number;
  content: string;
  title: string | null;
}

/**
 * Re-embeds every chunk of a tenant whose vector came from another model, source by
 * source in small batches, then its cache entries (their questions). Each row's vector
 * and its model label change together, and search and cache lookups only compare
 * vectors of the current model, so nothing mixes meanwhile. Idempotent: a rerun finds
 * only what is still stale.
 */
export async function reembedTenant(tenantId: string): Promise<{ chunks: number; cacheEntries: number }> {
  const embedder = getEmbedder();
  const claims = systemClaims(tenantId);
  const sources = await withTenant(claims, (tx) =>
    tx.query<{ id: string }>("select id from public.sources order by created_at, id"),
  );
  let chunks = 0;
  for (const { id: sourceId } of sources.rows) {
    let after = { index: -1, id: "00000000-0000-0000-0000-000000000000" };
    for (;;) {
      const { rows } = await withTenant(claims, (tx) =>
        tx.query<StaleChunk>(
          `select id, chunk_index, content, additional_data->>'title' as title from public.documents
           where tenant_id = $1 and source_id = $2 and (chunk_index, id) > ($3, $4::uuid)
             and additional_data->>'embedding_model' is distinct from $5
           order by chunk_index, id limit ${BATCH}`,
          [tenantId, sourceId, after.index, after.id, embedder.modelId],
        ),
      );
      if (rows.length === 0) break;
      const vectors = await embedder.embed(rows.map((r) => embeddingInput(r.title ?? "", r.content)));
      await withTenant(claims, (tx) =>
        tx.query(
          `update public.documents d
           set embedding = x.embedding::vector,
               additional_data = d.additional_data || jsonb_build_object('embedding_model', $3::text)
           from unnest($1::uuid[], $2::text[]) as x(id, embedding)
           where d.id = x.id`,
          [rows.map((r) => r.id), vectors.map(toPgVector), embedder.modelId],
        ),
      );
      chunks += rows.length;
      const last = rows[rows.length - 1];
      after = { index: last.chunk_index, id: last.id };
    }
    await withTenant(claims, (tx) =>
      tx.query("update public.sources set embedding_model = $2 where id = $1 and embedding_model <> $2", [
        sourceId,
        embedder.modelId,
      ]),
    );
  }
  const cacheEntries = await reembedCacheEntries(tenantId, embedder);
  await withTenant(claims, (tx) => recordTenantModel(tx, tenantId, embedder.modelId));
  return { chunks, cacheEntries };
}

async function reembedCacheEntries(tenantId: string, embedder: ReturnType<typeof getEmbedder>): Promise<number> {
  const claims = systemClaims(tenantId);
  let done = 0;
  for (;;) {
    const scope = (tx: Tx) => ({ tx, tenantId, embeddingModel: embedder.modelId });
    const stale = await withTenant(claims, (tx) => staleCacheEntries(scope(tx), BATCH, embedder.dimensions));
    if (stale.length === 0) return done;
    const vectors = await embedder.embed(stale.map((e) => e.question));
    await withTenant(claims, (tx) => setCacheEmbeddings(scope(tx), stale, vectors));
    done += stale.length;
  }
}

export const reembedTenantJob = defineJob(z.object({ modelId: z.string().min(1) }), async (_payload, ctx) => {
  // The payload names the model that was current when queued; the current one wins.
  await reembedTenant(ctx.tenantId);
});
