import "server-only";
import { withAnonymous } from "@/lib/db/tenant";
import { hasControlCharacters } from "@/lib/text";
import { publicBranding, type PublicBranding } from "@/lib/tenants/branding";
import { allowedOriginsOf } from "@/lib/tenants/embedding-origins";

/** What anyone holding a widget key may learn about its tenant, read from its settings once, here. */
export interface PublicTenant {
  id: string;
  name: string;
  branding: PublicBranding;
  /** Sites that may embed the widget (empty: any site). */
  allowedOrigins: string[];
}

/**
 * Resolves a public widget key as anon through app.tenant_by_widget_key, which exposes
 * nothing else of the tenant. Null for an unknown key.
 */
export async function findTenantByWidgetKey(widgetKey: string): Promise<PublicTenant | null> {
  // A key comes from a URL or a body; one with a NUL names no tenant (and PostgreSQL would refuse it).
  if (hasControlCharacters(widgetKey) || widgetKey.length > 200) return null;
  const { rows } = await withAnonymous((tx) =>
    tx.query<{ id: string; name: string; settings: Record<string, unknown> | null }>(
      "select id, name, settings from app.tenant_by_widget_key($1)",
      [widgetKey],
    ),
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, name: row.name, branding: publicBranding(row), allowedOrigins: allowedOriginsOf(row.settings) };
}
