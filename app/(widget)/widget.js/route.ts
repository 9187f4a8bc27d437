import { EMBED_SCRIPT } from "./embed-script";

/**
 * GET /widget.js: the embed script. Cached briefly by browsers and CDNs so a fix reaches
 * every customer site within minutes, and served stale while revalidating.
 */
export function GET() {
  return new Response(EMBED_SCRIPT, {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300, stale-while-revalidate=86400",
      "x-content-type-options": "nosniff",
      "access-control-allow-origin": "*",
    },
  });
}
