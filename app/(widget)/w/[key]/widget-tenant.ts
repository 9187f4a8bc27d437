import "server-only";
import { cache } from "react";
import { toBranding, type WidgetBranding } from "@/components/widget/branding";
import { findTenantByWidgetKey } from "@/lib/tenants/public";

const KEY_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The public face of the tenant a widget key belongs to, or null for an unknown key.
 */
export const getWidgetBranding = cache(async (widgetKey: string): Promise<WidgetBranding | null> => {
  if (!KEY_SHAPE.test(widgetKey)) return null;
  const tenant = await findTenantByWidgetKey(widgetKey);
  if (!tenant) return null;
  // branding.greeting wins; settings.greeting is where the session API also looks.
  const branding = { greeting: tenant.settings?.greeting, ...tenant.settings?.branding };
  return toBranding({ tenantName: tenant.name, branding });
});
