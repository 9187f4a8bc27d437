/**
 * A tenant's public face (what the widget, its launcher, the chat session and the
 * Control Center's preview show) with the one set of defaults. Pure and safe for the
 * browser: the widget's components import it too.
 */

export interface PublicBranding {
  /** The tenant's own name. */
  tenantName: string;
  /** The chat's title: the branding's name, else the tenant's name. */
  name: string;
  /** A #rrggbb colour, lower case: only a plain hex colour ever reaches a page. */
  color: string;
  /** The first thing a visitor reads in the chat. */
  greeting: string;
}

export const DEFAULT_BRAND_COLOR = "#4f46e5";

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function defaultGreeting(tenantName: string): string {
  return `Hi! How can ${tenantName} help you today?`;
}

/** #abc or #aabbcc as #aabbcc; anything else (CSS we did not write) as the default colour. */
export function normaliseColor(value: unknown): string {
  if (typeof value !== "string" || !HEX.test(value.trim())) return DEFAULT_BRAND_COLOR;
  const hex = value.trim().toLowerCase();
  return hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
}

function filled(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Reads the stored settings (JSON, leniently: a blank or malformed value gets its
 * default). The greeting sits in `settings.branding`; older settings kept it beside it,
 * in `settings.greeting`, which still counts when the branding has none.
 */
export function publicBranding(tenant: { name: string; settings: unknown }): PublicBranding {
  const settings = record(tenant.settings);
  const branding = record(settings.branding);
  return {
    tenantName: tenant.name,
    name: filled(branding.name) ?? tenant.name,
    color: normaliseColor(branding.color),
    greeting: filled(branding.greeting) ?? filled(settings.greeting) ?? defaultGreeting(tenant.name),
  };
}
