import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cookie-authenticated writes must come from the app's own pages: the browser attaches
 * cookies to cross-site requests too (a same-site subdomain, or a form post), but it
 * cannot forge Origin, nor send JSON across origins without a CORS preflight we never
 * grant. Bearer-token callers are not affected (no ambient credentials to abuse).
 */
export function assertSameOriginWrite(request: Request, options: { multipart?: boolean } = {}): void {
  if (!UNSAFE.has(request.method.toUpperCase())) return;
  const origin = request.headers.get("origin");
  const own = new Set([new URL(env().APP_URL).origin, new URL(request.url).origin]);
  const sameOrigin = origin ? own.has(origin) : request.headers.get("sec-fetch-site") === "same-origin";
  if (!sameOrigin) {
    throw new AppError("forbidden", "Cross-site requests are refused: use the Control Center, or send a bearer token.");
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const declared = request.headers.get("content-length");
  const hasBody = declared !== null ? Number(declared) > 0 : request.headers.has("transfer-encoding");
  if (request.method.toUpperCase() === "DELETE" && !hasBody) return;
  if (type === "application/json" || (options.multipart && type === "multipart/form-data")) return;
  throw new AppError("unsupported_media_type", `Send ${options.multipart ? "JSON or multipart/form-data" : "JSON"} (Content-Type: application/json).`);
}

/** Whether the caller relies on ambient credentials (cookies) rather than a bearer token. */
export function usesCookieAuth(request: Request): boolean {
  return !/^Bearer\s+\S/i.test(request.headers.get("authorization") ?? "") && Boolean(request.headers.get("cookie"));
}
