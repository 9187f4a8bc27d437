import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { hasControlCharacters } from "@/lib/text";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
}

/**
 * Reads a body counting bytes as they arrive and stops at the first byte past the limit
 * (413), cancelling the upload: a chunked body declares no length, so the declared
 * Content-Length alone would let a caller stream gigabytes into memory.
 */
export async function readBodyText(request: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let seen = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value.byteLength;
    if (seen > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8.");
  }
}

/** Whether any string in a parsed JSON value (keys included) carries a control character. */
function containsControlCharacters(value: unknown): boolean {
  if (typeof value === "string") return hasControlCharacters(value);
  if (Array.isArray(value)) return value.some(containsControlCharacters);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([key, v]) => hasControlCharacters(key) || containsControlCharacters(v));
  }
  return false;
}

/** Reads and validates a JSON body, answering 400/413/422 with what is wrong. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = DEFAULT_BODY_LIMIT): Promise<z.infer<S>> {
  const text = await readBodyText(request, maxBytes);
  let body: unknown;
  try {
    body = text.length ? JSON.parse(text) : undefined;
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  // Also fields a schema passes through untouched: nothing with a NUL goes further.
  if (containsControlCharacters(body)) {
    throw new AppError("unprocessable", "Text must not contain control characters (such as NUL).");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    throw new AppError("unprocessable", message || "The request body is invalid.", parsed.error.issues);
  }
  return parsed.data;
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(headers: Headers): string | null {
  const header = headers.get("authorization");
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match ? match[1].trim() : null;
}

/**
 * The caller's address for per-address limits: the right-most X-Forwarded-For entry, the
 * one the nearest proxy (Vercel, nginx, or Next itself when nothing is in front) wrote;
 * entries to its left are whatever the client claimed. Without a proxy in front, a
 * client can choose this value, which is why every per-address limit has a per-account,
 * per-conversation or per-tenant companion.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean);
  const address = forwarded?.at(-1) ?? headers.get("x-real-ip")?.trim();
  return address && !hasControlCharacters(address) ? address.slice(0, 64) : "unknown";
}
