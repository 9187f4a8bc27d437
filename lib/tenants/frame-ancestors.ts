import "server-only";
import { findTenantByWidgetKey } from "@/lib/tenants/public";

/**
 * Who may frame a tenant's chat: its allowed sites, or any site ([]) when it keeps no
 * list. An unknown key's page is a 404 that nobody needs to frame (null).
 */
export async function widgetFrameAncestors(widgetKey: string): Promise<string[] | null> {
  const tenant = await findTenantByWidgetKey(widgetKey).catch(() => null);
  if (!tenant) return null;
  return tenant.allowedOrigins;
}
