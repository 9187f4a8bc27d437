import "server-only";
import { env } from "@/lib/env";

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The app's public origin for links and snippets: the configured APP_URL, else the
 * origin the request came through (so a snippet copied from an app on another port or
 * host points back at it), else APP_URL's default.
 */
export function publicOrigin(headers: Headers): string {
  const { APP_URL, APP_URL_CONFIGURED } = env();
  if (APP_URL_CONFIGURED) return new URL(APP_URL).origin;
  const host = headers.get("x-forwarded-host")?.split(",")[0].trim() ?? headers.get("host");
  if (!host || !HOST.test(host)) return new URL(APP_URL).origin;
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0].trim();
  const local = /^(localhost|127\.|\[::1\])/.test(host);
  const proto = forwarded === "http" || forwarded === "https" ? forwarded : local ? "http" : "https";
  return `${proto}://${host}`;
}
