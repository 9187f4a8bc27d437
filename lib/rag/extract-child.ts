/**
 * The extraction sandbox's child process (spawned by lib/rag/extract-sandbox.ts): reads
 * one file, chunks it, sends the chunks back and exits. It gets no secrets and no
 * database; its heap is capped by --max-old-space-size and its parent kills it when it
 * runs too long or uses too much memory, so a hostile file can only take this process down.
 */
import { chunkSections, type Chunk } from "@/lib/rag/chunk";
import { ExtractionError, extractText, fileLabel, type DocumentKind, type ExtractionErrorCode, type ExtractionLimits } from "@/lib/rag/extract";

export interface SandboxRequest {
  kind: DocumentKind;
  data: Uint8Array;
  fileName?: string;
  limits: ExtractionLimits & { maxChunks: number };
}

export type SandboxReply =
  | { ok: true; title: string | null; chunks: Chunk[] }
  | { ok: false; code: ExtractionErrorCode; message: string }
  | { ok: false; code: null; message: string };

async function extractAndChunk(request: SandboxRequest): Promise<SandboxReply> {
  try {
    const doc = await extractText(request);
    const chunks: Chunk[] = [];
    for (const chunk of chunkSections(doc.sections)) {
      if (chunks.length === request.limits.maxChunks) {
        throw new ExtractionError(
          "too_many_chunks",
          `${fileLabel(request.fileName)} would make more than ${request.limits.maxChunks.toLocaleString("en-US")} passages, ` +
            "the limit per file. Split it into smaller files.",
        );
      }
      chunks.push(chunk);
    }
    return { ok: true, title: doc.title, chunks };
  } catch (error) {
    if (error instanceof ExtractionError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: null, message: error instanceof Error ? error.message : String(error) };
  }
}

// Orphaned (the app process died): stop at once rather than finish work nobody will read.
process.on("disconnect", () => process.exit(0));
process.once("message", (request: SandboxRequest) => {
  void extractAndChunk(request).then((reply) => process.send?.(reply, () => process.exit(0)));
});
