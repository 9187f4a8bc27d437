import "server-only";
import { AppError } from "@/lib/errors";
import { hasControlCharacters } from "@/lib/text";
import { detectKind, ExtractionError, type DocumentKind } from "@/lib/rag/extract";

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_FILES_PER_REQUEST = 10;
const MAX_REQUEST_BYTES = 50 * 1024 * 1024;
const MB = 1024 * 1024;

export interface ValidUpload {
  fileName: string;
  mimeType: string | null;
  kind: DocumentKind;
  data: Uint8Array;
}

/**
 * Checks one file before anything is stored: the errors a caller can fix (empty, too
 * big, wrong type, not really a PDF) answer the request; what only extraction can tell
 * (encrypted, no text) is reported on the source by the ingestion job.
 */
export function validateUpload(input: { fileName: string; mimeType: string | null; data: Uint8Array }): ValidUpload {
  const fileName = input.fileName.replace(/^.*[\\/]/, "").trim().slice(0, 255);
  if (!fileName) throw new AppError("unprocessable", "Every file needs a name.");
  if (hasControlCharacters(fileName)) throw new AppError("unprocessable", "File names must not contain control characters (such as NUL).");
  if (input.data.length === 0) throw new AppError("unprocessable", `"${fileName}" is empty.`);
  if (input.data.length > MAX_FILE_BYTES) {
    throw new AppError("payload_too_large", `"${fileName}" is larger than the ${MAX_FILE_BYTES / MB} MB limit.`);
  }
  let kind: DocumentKind;
  try {
    kind = detectKind(fileName, input.mimeType);
  } catch (error) {
    if (error instanceof ExtractionError) throw new AppError("unsupported_media_type", error.message);
    throw error;
  }
  const head = Buffer.from(input.data.subarray(0, 8192));
  if (kind === "pdf" && !head.subarray(0, 1024).includes("%PDF-")) {
    throw new AppError("unprocessable", `"${fileName}" is not a valid PDF file.`);
  }
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (kind !== "pdf" && !utf16 && head.includes(0)) {
    throw new AppError("unsupported_media_type", `"${fileName}" looks like a binary file, not ${kind === "html" ? "HTML" : "text"}.`);
  }
  return { fileName, mimeType: input.mimeType || null, kind, data: input.data };
}

/** Reads a multipart upload (fields "file" or "files"), refusing bodies over the limit as they stream. */
export async function readUploads(request: Request): Promise<ValidUpload[]> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_REQUEST_BYTES) throw tooLarge();
  let form: FormData;
  try {
    form = await new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body ? limitBody(request.body, MAX_REQUEST_BYTES) : null,
      duplex: "half",
    } as RequestInit).formData();
  } catch (error) {
    if (error instanceof AppError) throw error;
    if ((error as Error)?.cause instanceof AppError) throw (error as Error).cause;
    throw new AppError("bad_request", "The upload is not a valid multipart/form-data body.");
  }
  const files = [...form.getAll("file"), ...form.getAll("files")].filter((v): v is File => typeof v !== "string");
  if (files.length === 0) throw new AppError("unprocessable", 'Attach at least one file in the "file" field.');
  if (files.length > MAX_FILES_PER_REQUEST) {
    throw new AppError("unprocessable", `Upload at most ${MAX_FILES_PER_REQUEST} files at a time.`);
  }
  return Promise.all(
    files.map(async (file) =>
      validateUpload({ fileName: file.name, mimeType: file.type || null, data: new Uint8Array(await file.arrayBuffer()) }),
    ),
  );
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The upload is larger than ${MAX_REQUEST_BYTES / MB} MB.`);
}

function limitBody(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length;
        if (seen > max) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
}
