import "server-only";
import { getEmbedder, type Embedder } from "@/lib/ai/embeddings";
import { systemClaims } from "@/lib/db/claims";
import { invalidateCachedSources } from "@/lib/cache";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { PermanentJobError } from "@/lib/jobs/types";
import type { Chunk } from "@/lib/rag/chunk";
import {
  discardVersion,
  embeddingInput,
  insertChunks,
  lockSourceVersion,
  publishVersion,
  storedChunkCount,
  SupersededError,
  type ChunkTarget,
  type EmbeddedChunk,
} from "@/lib/rag/chunk-store";
import { noteEmbeddingModel } from "@/lib/rag/embedding-model";
import { detectKind, ExtractionError, fileLabel, type DocumentKind } from "@/lib/rag/extract";
import { extractInSandbox } from "@/lib/rag/extract-sandbox";
import { fetchUrl, UrlFetchError } from "@/lib/rag/fetch-url";
import { contentHash, SOURCE_COLUMNS, type SourceRow } from "@/lib/rag/sources";

const EMBED_BATCH = 64;
/**
 * Extraction runs in a sandbox, so a file should never take the app down; if the app
 * stops during extraction anyway (a crash or a restart), the file gets one more try.
 */
const MAX_EXTRACT_ATTEMPTS = 2;

export interface IngestSourceInput {
  tenantId: string;
  sourceId: string;
  version: number;
}

export type IngestResult =
  | { status: "ready"; chunks: number; replaced: boolean }
  | { status: "unchanged" }
  | { status: "skipped" };

interface Started {
  source: SourceRow;
  data: Uint8Array | null;
  /** Chunks after the first already stored by an earlier attempt of this version. */
  stored: number;
}

/**
 * The ingestion job: extract, chunk, embed in batches and store a source's version,
 * recording progress as it goes. Idempotent per version: a retry resumes, a duplicate
 * or superseded run stops without writing. A bad document (or the last failed attempt)
 * marks the source failed with the reason and leaves none of its chunks behind.
 */
export async function ingestSource(input: IngestSourceInput, options: { isFinalAttempt: boolean }): Promise<IngestResult> {
  const claims = systemClaims(input.tenantId);
  const started = await withTenant(claims, (tx) => startIngestion(tx, input));
  if (!started) return { status: "skipped" };
  try {
    return await runIngestion(input, started);
  } catch (error) {
    if (error instanceof SupersededError) return { status: "skipped" };
    const permanent = error instanceof ExtractionError || (error instanceof UrlFetchError && error.permanent);
    if (!permanent && !options.isFinalAttempt) throw error;
    const reason = permanent ? (error as Error).message : `Indexing failed: ${(error as Error).message}`;
    await withTenant(claims, (tx) => discardVersion(tx, input.sourceId, input.version, reason));
    throw new PermanentJobError(reason, { cause: error });
  }
}

async function startIngestion(tx: Tx, input: IngestSourceInput): Promise<Started | null> {
  const { rows } = await tx.query<SourceRow>(
    `update public.sources set status = 'processing', error = null
     where id = $1 and version = $2 and status in ('queued', 'processing')
     returning ${SOURCE_COLUMNS}`,
    [input.sourceId, input.version],
  );
  const source = rows[0];
  if (!source) return null;
  let data: Uint8Array | null = null;
  if (source.kind !== "url") {
    const file = await tx.query<{ data: Buffer }>("select data from public.source_files where source_id = $1 and version = $2", [
      source.id,
      source.version,
    ]);
    if (!file.rows[0]) return null;
    data = new Uint8Array(file.rows[0].data);
  }
  return { source, data, stored: await storedChunkCount(tx, input) };
}

async function runIngestion(input: IngestSourceInput, { source, data, stored }: Started): Promise<IngestResult> {
  const claims = systemClaims(input.tenantId);
  let kind: DocumentKind;
  let hash: string | null = null;
  if (source.kind === "url") {
    const fetched = await fetchUrl(source.url ?? "");
    data = fetched.data;
    hash = contentHash(data);
    if (hash === source.content_hash && (await withTenant(claims, (tx) => keepLiveVersion(tx, source)))) {
      return { status: "unchanged" };
    }
    kind = detectKind(new URL(fetched.finalUrl).pathname.split("/").pop(), fetched.contentType);
  } else {
    kind = source.kind;
  }
  const fileName = source.file_name ?? source.url ?? undefined;
  await withTenant(claims, (tx) => recordExtractAttempt(tx, source, fileName));
  const doc = await extractInSandbox({ kind, data: data ?? new Uint8Array(), fileName });
  const embedder = getEmbedder();
  await withTenant(claims, (tx) => noteEmbeddingModel(tx, input.tenantId, embedder.modelId));
  const target: ChunkTarget = {
    tenantId: input.tenantId,
    sourceId: source.id,
    version: source.version,
    title: (doc.title ?? source.title).slice(0, 500),
    url: source.url,
    embeddingModel: embedder.modelId,
  };
  const total = doc.chunks.length;
  await withTenant(claims, (tx) =>
    tx.query("update public.sources set chunks_total = $3, chunks_done = $4, extract_attempts = 0 where id = $1 and version = $2", [
      source.id,
      source.version,
      total,
      Math.min(stored, total),
    ]),
  );

  let first: EmbeddedChunk | undefined;
  let batch: Chunk[] = [];
  /** Embeds and stores a batch; chunk 0 is kept back, to be stored when publishing. */
  const flush = async () => {
    const embedded = await embedBatch(embedder, target.title, batch);
    const done = batch[batch.length - 1].index + 1;
    batch = [];
    first ??= embedded.find((c) => c.index === 0);
    await withTenant(claims, async (tx) => {
      await lockSourceVersion(tx, target.sourceId, target.version);
      await insertChunks(tx, target, embedded.filter((c) => c.index !== 0));
      await tx.query("update public.sources set chunks_done = $2 where id = $1", [target.sourceId, done]);
    });
  };
  for (const chunk of doc.chunks) {
    // A retry re-embeds only what an earlier attempt did not store (and chunk 0, kept for last).
    if (chunk.index > 0 && chunk.index <= stored) continue;
    batch.push(chunk);
    if (batch.length === EMBED_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  if (!first) throw new Error("The first chunk was not embedded.");
  const published = first;
  const { replaced } = await withTenant(claims, async (tx) => {
    const result = await publishVersion(tx, target, published, total, hash);
    // Answers built on the previous version may now be wrong.
    if (result.replaced) await invalidateCachedSources({ tx, tenantId: input.tenantId, embeddingModel: embedder.modelId }, [source.id]);
    return result;
  });
  return { status: "ready", chunks: total, replaced };
}

/**
 * Counts this attempt before extraction starts, in its own committed transaction: an
 * attempt that never reports back (the process died while reading) still counts.
 */
async function recordExtractAttempt(tx: Tx, source: SourceRow, fileName: string | undefined): Promise<void> {
  const { rows } = await tx.query<{ extract_attempts: number }>(
    "update public.sources set extract_attempts = extract_attempts + 1 where id = $1 and version = $2 returning extract_attempts",
    [source.id, source.version],
  );
  if ((rows[0]?.extract_attempts ?? 0) > MAX_EXTRACT_ATTEMPTS) {
    throw new ExtractionError(
      "extraction_interrupted",
      `Reading ${fileLabel(fileName)} was interrupted ${MAX_EXTRACT_ATTEMPTS} times (the server stopped while reading it), ` +
        "so it will not be retried. Upload it again to try once more, or split it into smaller files.",
    );
  }
}

async function embedBatch(embedder: Embedder, title: string, chunks: Chunk[]): Promise<EmbeddedChunk[]> {
  const vectors = await embedder.embed(chunks.map((c) => embeddingInput(title, c.content)));
  return chunks.map((c, i) => ({ index: c.index, content: c.content, headingPath: c.headingPath, page: c.page, embedding: vectors[i] }));
}

/** A refreshed URL whose content did not change keeps its live chunks. */
async function keepLiveVersion(tx: Tx, source: SourceRow): Promise<boolean> {
  await lockSourceVersion(tx, source.id, source.version);
  const { rows } = await tx.query<{ n: number }>(
    "select count(*)::int as n from public.documents where source_id = $1 and source_version < $2",
    [source.id, source.version],
  );
  if (rows[0].n === 0) return false;
  await tx.query("update public.sources set status = 'ready', error = null, chunks_done = $2, chunks_total = $2 where id = $1", [
    source.id,
    rows[0].n,
  ]);
  return true;
}
