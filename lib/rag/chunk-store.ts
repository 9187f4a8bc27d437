import "server-only";
import { toPgVector } from "@/lib/ai/vector";
import type { Tx } from "@/lib/db/tenant";

/**
 * Which chunk rows readers see: per source, only the lowest version that has its chunk 0.
 * A new version's other chunks are written in batches while the previous version stays
 * live; its chunk 0 is written last, in the transaction that deletes the older version and
 * marks the source ready. The switch is therefore atomic, readers never see half a
 * document, and the rule needs only the documents table (which widget visitors may read).
 */
export const VISIBLE_CHUNK_SQL = `d.source_version = (
  select min(m.source_version) from public.documents m
  where m.tenant_id = d.tenant_id and m.source_id = d.source_id and m.chunk_index = 0)`;

/** The source was deleted, re-uploaded or finished by someone else: stop quietly. */
export class SupersededError extends Error {
  constructor(sourceId: string, version: number) {
    super(`Source ${sourceId} no longer expects version ${version}.`);
    this.name = "SupersededError";
  }
}

export interface ChunkTarget {
  tenantId: string;
  sourceId: string;
  version: number;
  title: string;
  url: string | null;
  embeddingModel: string;
}

export interface EmbeddedChunk {
  index: number;
  content: string;
  headingPath: string[];
  page: number | null;
  embedding: number[];
}

/** What gets embedded: the title gives a chunk the context its own text may lack. */
export function embeddingInput(title: string, content: string): string {
  return content.startsWith(title) ? content : `${title}\n\n${content}`;
}

/** Locks the source row for this write and checks it still wants this version. */
export async function lockSourceVersion(tx: Tx, sourceId: string, version: number): Promise<void> {
  const { rows } = await tx.query<{ version: number; status: string }>(
    "select version, status from public.sources where id = $1 for no key update",
    [sourceId],
  );
  const row = rows[0];
  if (!row || row.version !== version || (row.status !== "queued" && row.status !== "processing")) {
    throw new SupersededError(sourceId, version);
  }
}

/** Writes chunk rows; a chunk index already stored for this version (a retry) is skipped. */
export async function insertChunks(tx: Tx, target: ChunkTarget, chunks: EmbeddedChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  await tx.query(
    `insert into public.documents (tenant_id, source_id, source_version, chunk_index, content, embedding, additional_data)
     select $1, $2, $3, x.idx, x.content, x.embedding::vector, x.meta
     from unnest($4::int[], $5::text[], $6::text[], $7::jsonb[]) as x(idx, content, embedding, meta)
     where not exists (
       select 1 from public.documents d
       where d.tenant_id = $1 and d.source_id = $2 and d.source_version = $3 and d.chunk_index = x.idx)`,
    [
      target.tenantId,
      target.sourceId,
      target.version,
      chunks.map((c) => c.index),
      chunks.map((c) => c.content),
      chunks.map((c) => toPgVector(c.embedding)),
      chunks.map((c) =>
        JSON.stringify({
          source_id: target.sourceId,
          title: target.title,
          heading_path: c.headingPath,
          page: c.page,
          url: target.url,
          source_version: target.version,
          embedding_model: target.embeddingModel,
        }),
      ),
    ],
  );
}

/** How many chunks after chunk 0 this version has stored (1..n, in order): a retry resumes after them. */
export async function storedChunkCount(tx: Tx, target: Pick<ChunkTarget, "tenantId" | "sourceId" | "version">): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `select count(*)::int as n from public.documents
     where tenant_id = $1 and source_id = $2 and source_version = $3 and chunk_index > 0`,
    [target.tenantId, target.sourceId, target.version],
  );
  return rows[0].n;
}

/**
 * Publishes a version in one transaction: its chunk 0 goes in, every other version's
 * chunks go out, and the source is ready. Returns whether an older version was replaced.
 */
export async function publishVersion(
  tx: Tx,
  target: ChunkTarget,
  first: EmbeddedChunk,
  total: number,
  contentHash: string | null,
): Promise<{ replaced: boolean }> {
  await lockSourceVersion(tx, target.sourceId, target.version);
  const stored = await storedChunkCount(tx, target);
  if (stored !== total - 1) {
    throw new Error(`Version ${target.version} has ${stored + 1} of ${total} chunks stored; indexing must run again.`);
  }
  await insertChunks(tx, target, [first]);
  const removed = await tx.query("delete from public.documents where tenant_id = $1 and source_id = $2 and source_version <> $3", [
    target.tenantId,
    target.sourceId,
    target.version,
  ]);
  await tx.query(
    `update public.sources
     set status = 'ready', error = null, chunks_done = $2, chunks_total = $2, embedding_model = $3, title = $4,
         content_hash = coalesce($5, content_hash)
     where id = $1`,
    [target.sourceId, total, target.embeddingModel, target.title, contentHash],
  );
  return { replaced: (removed.rowCount ?? 0) > 0 };
}

/** Fails a version: its staged chunks go, the reason stays for staff; a live older version is kept. */
export async function discardVersion(tx: Tx, sourceId: string, version: number, reason: string): Promise<void> {
  try {
    await lockSourceVersion(tx, sourceId, version);
  } catch (error) {
    if (error instanceof SupersededError) return;
    throw error;
  }
  await tx.query("delete from public.documents where source_id = $1 and source_version = $2", [sourceId, version]);
  await tx.query("update public.sources set status = 'failed', error = $2 where id = $1", [sourceId, reason.slice(0, 2000)]);
}
