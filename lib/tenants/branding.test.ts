import { describe, expect, it } from "vitest";
import { DEFAULT_BRAND_COLOR, defaultGreeting, normaliseColor, publicBranding } from "@/lib/tenants/branding";

describe("publicBranding", () => {
  it("fills every field from one set of defaults when nothing is stored", () => {
    const expected = { tenantName: "Acme", name: "Acme", color: DEFAULT_BRAND_COLOR, greeting: defaultGreeting("Acme") };
    expect(publicBranding({ name: "Acme", settings: {} })).toEqual(expected);
    expect(publicBranding({ name: "Acme", settings: null })).toEqual(expected);
    expect(publicBranding({ name: "Acme", settings: { branding: "not an object" } })).toEqual(expected);
    expect(defaultGreeting("Acme")).toBe("Hi! How can Acme help you today?");
  });

  it("uses what the tenant stored, trimmed", () => {
    const settings = { branding: { name: " Acme Help ", color: "#0F766E", greeting: " Welcome! " } };
    expect(publicBranding({ name: "Acme", settings })).toEqual({ tenantName: "Acme", name: "Acme Help", color: "#0f766e", greeting: "Welcome!" });
  });

  it("reads the greeting where older settings kept it, beside the branding, when the branding has none", () => {
    expect(publicBranding({ name: "Acme", settings: { greeting: "Hello from before" } }).greeting).toBe("Hello from before");
    expect(publicBranding({ name: "Acme", settings: { greeting: "old", branding: { greeting: "new" } } }).greeting).toBe("new");
    expect(publicBranding({ name: "Acme", settings: { greeting: "old", branding: { greeting: "  " } } }).greeting).toBe("old");
  });

  it("gives blank or malformed values their default", () => {
    const settings = { greeting: " ", branding: { name: "   ", color: "red; background: url(x)", greeting: "" } };
    expect(publicBranding({ name: "Acme", settings })).toEqual({
      tenantName: "Acme",
      name: "Acme",
      color: DEFAULT_BRAND_COLOR,
      greeting: defaultGreeting("Acme"),
    });
    expect(publicBranding({ name: "Acme", settings: { branding: { name: 42, greeting: ["hi"], color: 0x112233 } } })).toMatchObject({
      name: "Acme",
      color: DEFAULT_BRAND_COLOR,
      greeting: defaultGreeting("Acme"),
    });
  });
});

describe("normaliseColor", () => {
  it("lets only a plain hex colour through, as #rrggbb", () => {
    expect(normaliseColor("#ABC")).toBe("#aabbcc");
    expect(normaliseColor(" #112233 ")).toBe("#112233");
    expect(normaliseColor("#12345")).toBe(DEFAULT_BRAND_COLOR);
    expect(normaliseColor(undefined)).toBe(DEFAULT_BRAND_COLOR);
  });
});
