import { readFileSync } from "node:fs";
import path from "node:path";

/** One demo tenant as scripts/lib/seed-demo.ts writes it for the e2e server. */
export interface DemoTenant {
  id: string;
  slug: string;
  name: string;
  widgetKey: string;
  staff: Array<{ email: string; password: string; role: "owner" | "admin" | "agent" }>;
}

const MANIFEST = path.resolve(import.meta.dirname, "..", "..", ".data", "e2e", "demo-tenants.json");

/**
 * The demo tenants of the running e2e server (read lazily: the web server seeds them
 * before the tests start). `demoTenant("acme")` / `demoTenant("globex")`.
 */
export function demoTenant(slug: "acme" | "globex"): DemoTenant {
  const tenants = JSON.parse(readFileSync(MANIFEST, "utf8")) as DemoTenant[];
  const tenant = tenants.find((t) => t.slug === slug);
  if (!tenant) throw new Error(`Demo tenant ${slug} is missing from ${MANIFEST}`);
  return tenant;
}

export function staffOf(tenant: DemoTenant, role: "owner" | "admin" | "agent") {
  const member = tenant.staff.find((s) => s.role === role);
  if (!member) throw new Error(`${tenant.slug} has no ${role} in the demo manifest`);
  return member;
}
