import "server-only";
import { cache } from "react";
import type { PublicBranding } from "@/lib/tenants/branding";
import { findTenantByWidgetKey } from "@/lib/tenants/public";

const KEY_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The public face of the tenant a widget key belongs to, or null for an unknown key.
 */
export const getWidgetBranding = cache(async (widgetKey: string): Promise<PublicBranding | null> => {
  if (!KEY_SHAPE.test(widgetKey)) return null;
  return (await findTenantByWidgetKey(widgetKey))?.branding ?? null;
});
