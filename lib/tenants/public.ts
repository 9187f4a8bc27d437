import "server-only";
import { withAnonymous } from "@/lib/db/tenant";
import { hasControlCharacters } from "@/lib/text";

/** What anyone holding a widget key may learn about its tenant. */
export interface PublicTenant {
  id: string;
  name: string;
  settings: { branding?: Record<string, unknown>; greeting?: unknown } | null;
}

/**
 * Resolves a public widget key as anon through app.tenant_by_widget_key, which exposes
 * nothing else of the tenant. Null for an unknown key.
 */
export async function findTenantByWidgetKey(widgetKey: string): Promise<PublicTenant | null> {
  // A key comes from a URL or a body; one with a NUL names no tenant (and PostgreSQL would refuse it).
  if (hasControlCharacters(widgetKey) || widgetKey.length > 200) return null;
  const { rows } = await withAnonymous((tx) =>
    tx.query<PublicTenant>("select id, name, settings from app.tenant_by_widget_key($1)", [widgetKey]),
  );
  return rows[0] ?? null;
}
