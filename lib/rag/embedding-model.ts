import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { enqueueJob } from "@/lib/jobs/queue";

export const REEMBED_TENANT_JOB = "rag.reembed-tenant";

/**
 * Called before a tenant's chunks are embedded with `modelId`. Vectors of two models
 * never share a search: if the tenant's recorded model, or any source's, differs, a
 * re-embedding job is queued (the tenant's record moves to the new model when it ends).
 * Returns whether one was queued.
 */
export async function noteEmbeddingModel(tx: Tx, tenantId: string, modelId: string): Promise<boolean> {
  const { rows } = await tx.query<{ recorded: string | null; stale: boolean }>(
    `select t.embedding_model as recorded,
            exists (select 1 from public.sources s where s.embedding_model is not null and s.embedding_model <> $2) as stale
     from public.tenants t where t.id = $1`,
    [tenantId, modelId],
  );
  const { recorded, stale } = rows[0] ?? { recorded: null, stale: false };
  if (!stale && (recorded === null || recorded === modelId)) {
    if (recorded === null) await recordTenantModel(tx, tenantId, modelId);
    return false;
  }
  await queueReembed(tx, tenantId, modelId);
  return true;
}

/** Records the model of the tenant's vectors (tenants.embedding_model). */
export async function recordTenantModel(tx: Tx, tenantId: string, modelId: string): Promise<void> {
  await tx.query("update public.tenants set embedding_model = $2 where id = $1 and embedding_model is distinct from $2", [
    tenantId,
    modelId,
  ]);
}

async function queueReembed(tx: Tx, tenantId: string, modelId: string): Promise<void> {
  const key = `reembed:${modelId}`;
  const job = await enqueueJob(tx, { tenantId, name: REEMBED_TENANT_JOB, payload: { modelId }, idempotencyKey: key });
  // A finished run of an earlier switch to this model must not swallow this one.
  if (!job.created && (job.status === "succeeded" || job.status === "failed")) {
    await enqueueJob(tx, {
      tenantId,
      name: REEMBED_TENANT_JOB,
      payload: { modelId },
      idempotencyKey: `${key}:${Date.now()}`,
    });
  }
}

/**
 * Queues a re-embedding for every tenant whose vectors came from another model than
 * `modelId` (e.g. made by the hash embedder before the local model was fetched). Run at
 * start-up with the service role (it reads all tenants); ingestion covers the rest.
 * Returns the tenants queued.
 */
export async function queueReembedsForModel(serviceTx: Tx, modelId: string): Promise<string[]> {
  const { rows } = await serviceTx.query<{ id: string }>(
    `select t.id from public.tenants t
     where t.embedding_model is distinct from $1
       and (t.embedding_model is not null
            or exists (select 1 from public.sources s where s.tenant_id = t.id and s.embedding_model <> $1))
     order by t.id`,
    [modelId],
  );
  for (const { id } of rows) await queueReembed(serviceTx, id, modelId);
  return rows.map((r) => r.id);
}
