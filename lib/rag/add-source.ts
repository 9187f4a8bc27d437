import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { enqueueJob } from "@/lib/jobs/queue";
import { INGEST_SOURCE_JOB, ingestJobKey } from "@/lib/rag/ingest-job";
import { contentHash, SOURCE_COLUMNS, toSourceSummary, type SourceKind, type SourceRow, type SourceSummary } from "@/lib/rag/sources";

export interface AddedSource {
  source: SourceSummary;
  /** False when the same content was already there: nothing new to index. */
  queued: boolean;
}

interface NewContent {
  tenantId: string;
  userId: string | null;
  kind: SourceKind;
  title: string;
  fileName: string | null;
  mimeType: string | null;
  url: string | null;
  data: Uint8Array | null;
}

/**
 * Stores an uploaded file and queues its ingestion in the caller's transaction. The same
 * file name again is the same document: identical content is a no-op, changed content a
 * new version whose chunks replace the old ones once it is indexed.
 */
export async function addFileSource(
  tx: Tx,
  input: { tenantId: string; userId: string | null; kind: Exclude<SourceKind, "url">; fileName: string; mimeType: string | null; data: Uint8Array },
): Promise<AddedSource> {
  return upsertSource(tx, {
    ...input,
    title: input.fileName.replace(/\.[^.]+$/, "").trim() || input.fileName,
    url: null,
  });
}

/** A URL source is fetched by its job; adding the same URL again refreshes it. */
export async function addUrlSource(tx: Tx, input: { tenantId: string; userId: string | null; url: string }): Promise<AddedSource> {
  const parsed = new URL(input.url);
  parsed.hash = "";
  return upsertSource(tx, {
    tenantId: input.tenantId,
    userId: input.userId,
    kind: "url",
    title: `${parsed.hostname}${parsed.pathname === "/" ? "" : parsed.pathname}`.slice(0, 500),
    fileName: null,
    mimeType: null,
    url: parsed.toString(),
    data: null,
  });
}

async function upsertSource(tx: Tx, input: NewContent): Promise<AddedSource> {
  const identity = input.url ?? input.fileName ?? "";
  // Two uploads of the same name at once must not both create a document.
  await tx.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`source:${input.tenantId}:${identity}`]);
  const hash = input.data ? contentHash(input.data) : null;
  const { rows } = await tx.query<SourceRow>(
    `select ${SOURCE_COLUMNS} from public.sources
     where ${input.url ? "url = $1 and kind = 'url'" : "file_name = $1 and kind <> 'url'"}
     order by created_at limit 1 for update`,
    [identity],
  );
  const existing = rows[0];
  if (existing && hash && existing.content_hash === hash && existing.status !== "failed") {
    return { source: toSourceSummary(existing), queued: false };
  }
  const source = existing ? await newVersion(tx, existing, input, hash) : await insertSource(tx, input, hash);
  if (input.data) {
    await tx.query(
      `insert into public.source_files (source_id, tenant_id, version, data) values ($1, $2, $3, $4)
       on conflict (source_id) do update set version = excluded.version, data = excluded.data, created_at = now()`,
      [source.id, input.tenantId, source.version, Buffer.from(input.data)],
    );
  }
  await enqueueJob(tx, {
    tenantId: input.tenantId,
    name: INGEST_SOURCE_JOB,
    payload: { sourceId: source.id, version: source.version },
    idempotencyKey: ingestJobKey(source.id, source.version),
  });
  return { source: toSourceSummary(source), queued: true };
}

async function insertSource(tx: Tx, input: NewContent, hash: string | null): Promise<SourceRow> {
  const { rows } = await tx.query<SourceRow>(
    `insert into public.sources (tenant_id, title, kind, file_name, mime_type, url, byte_size, content_hash, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     returning ${SOURCE_COLUMNS}`,
    [input.tenantId, input.title, input.kind, input.fileName, input.mimeType, input.url, input.data?.length ?? 0, hash, input.userId],
  );
  return rows[0];
}

async function newVersion(tx: Tx, existing: SourceRow, input: NewContent, hash: string | null): Promise<SourceRow> {
  // Chunks of a version that never became ready are staged leftovers, never shown: drop
  // them, or they would count as an "older version" once the version number moves on.
  if (existing.status !== "ready") {
    await tx.query("delete from public.documents where source_id = $1 and source_version = $2", [existing.id, existing.version]);
  }
  const { rows } = await tx.query<SourceRow>(
    `update public.sources
     set version = version + 1, status = 'queued', error = null, chunks_done = 0, chunks_total = 0, extract_attempts = 0,
         kind = $2, mime_type = $3, byte_size = $4, content_hash = coalesce($5, content_hash)
     where id = $1
     returning ${SOURCE_COLUMNS}`,
    [existing.id, input.kind, input.mimeType, input.data?.length ?? existing.byte_size, hash],
  );
  return rows[0];
}
