import "server-only";
import { cache } from "react";
import { toBranding, type WidgetBranding } from "@/components/widget/branding";
import { withAnonymous } from "@/lib/db/tenant";

const KEY_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The public face of the tenant a widget key belongs to, or null for an unknown key.
 * Resolved as anon through app.tenant_by_widget_key, which exposes nothing else.
 */
export const getWidgetBranding = cache(async (widgetKey: string): Promise<WidgetBranding | null> => {
  if (!KEY_SHAPE.test(widgetKey)) return null;
  const { rows } = await withAnonymous((tx) =>
    tx.query<{ name: string; settings: { branding?: Record<string, unknown>; greeting?: unknown } | null }>(
      "select name, settings from app.tenant_by_widget_key($1)",
      [widgetKey],
    ),
  );
  const tenant = rows[0];
  if (!tenant) return null;
  // branding.greeting wins; settings.greeting is where the session API also looks.
  const branding = { greeting: tenant.settings?.greeting, ...tenant.settings?.branding };
  return toBranding({ tenantName: tenant.name, branding });
});
