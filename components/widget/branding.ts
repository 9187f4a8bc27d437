import { normaliseColor, type PublicBranding } from "@/lib/tenants/branding";

/** The tenant's public face, as the widget shows it (defaults filled in by publicBranding). */
export type WidgetBranding = PublicBranding;

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
