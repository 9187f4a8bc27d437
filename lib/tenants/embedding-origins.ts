import { z } from "zod";

/** An origin a tenant allows to embed its widget: scheme, host and optional port only. */
export const embeddingOriginSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      const url = new URL(value);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin !== "null" && value.replace(/\/$/, "") === url.origin) {
        return url.origin;
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: `"${value}" is not an origin like https://www.example.com (no path).` });
    return z.NEVER;
  });

/** The stored allow-list, read leniently: anything malformed is dropped. */
export function allowedOriginsOf(settings: Record<string, unknown> | null | undefined): string[] {
  const raw = settings?.allowed_origins;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((value) => {
    const parsed = embeddingOriginSchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Whether a browser request's Origin may use this tenant's widget: always when the tenant
 * keeps no list (any site may embed it), and for the app's own origin (the widget frame);
 * otherwise only the listed origins. A request without Origin is not from a page.
 */
export function isEmbeddingOriginAllowed(allowed: string[], origin: string | null, appOrigin: string): boolean {
  if (allowed.length === 0 || !origin) return true;
  return origin === appOrigin || allowed.includes(origin);
}
