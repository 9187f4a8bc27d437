import "server-only";
import { isIP } from "node:net";
import { env } from "@/lib/env";

// A host name or an IP literal, with an optional port: nothing else may become part of a URL we print.
const HOST_SHAPE = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const FALLBACK = "http://localhost:3000";

/**
 * The app's public origin for absolute URLs in pages (the widget snippet): APP_URL when
 * it is set, else the origin the request itself reached (its Host header). Never
 * X-Forwarded-Host: a proxy that passes it through unchecked would let any client choose
 * where the page loads the widget script from, and a shared cache would serve that page
 * to everyone. Without APP_URL the scheme is a guess (http for loopback, IP literals and
 * single-label LAN names, https otherwise); deployments set APP_URL.
 */
export function appOrigin(headers: Headers, configured: string | undefined = configuredAppUrl()): string {
  if (configured) return new URL(configured).origin;
  const host = headers.get("host")?.trim();
  if (!host || !HOST_SHAPE.test(host)) return FALLBACK;
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  const plainHttp = name === "localhost" || name.endsWith(".localhost") || isIP(name) !== 0 || !name.includes(".");
  return `${plainHttp ? "http" : "https"}://${host.toLowerCase()}`;
}

function configuredAppUrl(): string | undefined {
  const { APP_URL, APP_URL_CONFIGURED } = env();
  return APP_URL_CONFIGURED ? APP_URL : undefined;
}
