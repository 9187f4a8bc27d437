/** The tenant's public face, as the widget shows it. */
export interface WidgetBranding {
  tenantName: string;
  name: string;
  color: string;
  greeting: string;
}

const FALLBACK_COLOR = "#4f46e5";
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Only a plain hex colour reaches the page: anything else would be CSS we did not write. */
export function normaliseColor(value: unknown): string {
  if (typeof value !== "string" || !HEX.test(value.trim())) return FALLBACK_COLOR;
  const hex = value.trim().toLowerCase();
  return hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever contrasts more with the brand colour (WCAG ratio). */
export function readableTextOn(color: string): string {
  const l = luminance(normaliseColor(color));
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / 0.0588; // #0f172a has relative luminance 0.0088
  return onWhite >= onDark ? "#ffffff" : "#0f172a";
}

export function toBranding(input: { tenantName: string; branding?: Partial<Record<"color" | "name" | "greeting", unknown>> }): WidgetBranding {
  const b = input.branding ?? {};
  const name = typeof b.name === "string" && b.name.trim() ? b.name.trim() : input.tenantName;
  return {
    tenantName: input.tenantName,
    name,
    color: normaliseColor(b.color),
    greeting: typeof b.greeting === "string" && b.greeting.trim() ? b.greeting.trim() : `Hi! How can ${input.tenantName} help you today?`,
  };
}
