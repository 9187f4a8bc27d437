import "server-only";
import { createHash } from "node:crypto";
import type { Tx } from "@/lib/db/tenant";

export type SourceKind = "pdf" | "markdown" | "text" | "html" | "url";
export type SourceStatus = "queued" | "processing" | "ready" | "failed";

/** A knowledge source as staff see it: what it is, and how far its indexing got. */
export interface SourceSummary {
  id: string;
  title: string;
  kind: SourceKind;
  fileName: string | null;
  mimeType: string | null;
  url: string | null;
  byteSize: number;
  version: number;
  status: SourceStatus;
  error: string | null;
  chunksDone: number;
  chunksTotal: number;
  /** 0..1 for a progress bar: 1 once ready. */
  progress: number;
  embeddingModel: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SourceRow {
  id: string;
  tenant_id: string;
  title: string;
  kind: SourceKind;
  file_name: string | null;
  mime_type: string | null;
  url: string | null;
  byte_size: number;
  content_hash: string | null;
  version: number;
  status: SourceStatus;
  error: string | null;
  chunks_total: number;
  chunks_done: number;
  embedding_model: string | null;
  created_at: Date;
  updated_at: Date;
}

export const SOURCE_COLUMNS = `id, tenant_id, title, kind, file_name, mime_type, url, byte_size, content_hash, version,
  status, error, chunks_total, chunks_done, embedding_model, created_at, updated_at`;

export function toSourceSummary(row: SourceRow): SourceSummary {
  const progress =
    row.status === "ready" ? 1 : row.chunks_total > 0 ? Math.min(1, row.chunks_done / row.chunks_total) : 0;
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    fileName: row.file_name,
    mimeType: row.mime_type,
    url: row.url,
    byteSize: row.byte_size,
    version: row.version,
    status: row.status,
    error: row.error,
    chunksDone: row.chunks_done,
    chunksTotal: row.chunks_total,
    progress,
    embeddingModel: row.embedding_model,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function listSources(tx: Tx, options: { limit?: number; offset?: number } = {}): Promise<SourceSummary[]> {
  const { rows } = await tx.query<SourceRow>(
    `select ${SOURCE_COLUMNS} from public.sources order by created_at desc, id limit $1 offset $2`,
    [options.limit ?? 100, options.offset ?? 0],
  );
  return rows.map(toSourceSummary);
}

export async function getSource(tx: Tx, id: string): Promise<SourceSummary | null> {
  const { rows } = await tx.query<SourceRow>(`select ${SOURCE_COLUMNS} from public.sources where id = $1`, [id]);
  return rows[0] ? toSourceSummary(rows[0]) : null;
}

/** Deletes the source; its file and chunk rows go with it (foreign keys cascade). */
export async function deleteSource(tx: Tx, id: string): Promise<SourceSummary | null> {
  const { rows } = await tx.query<SourceRow>(`delete from public.sources where id = $1 returning ${SOURCE_COLUMNS}`, [id]);
  return rows[0] ? toSourceSummary(rows[0]) : null;
}

/** Identifies content: the same bytes uploaded again are not a new version. */
export function contentHash(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Staff actions on the knowledge base go to the tenant's audit log, as the acting user. */
export async function auditSourceAction(tx: Tx, action: "source.add" | "source.delete", source: SourceSummary): Promise<void> {
  await tx.query(
    `insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details)
     values (app.current_tenant_id(), auth.uid(), $1, 'source', $2, $3)`,
    [action, source.id, JSON.stringify({ title: source.title, version: source.version })],
  );
}
