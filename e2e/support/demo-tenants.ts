import { readFileSync } from "node:fs";
import path from "node:path";

/** One demo tenant as scripts/lib/seed-demo.ts writes it for the e2e server, with its logins. */
export interface DemoTenant {
  id: string;
  slug: string;
  name: string;
  widgetKey: string;
  staff: Array<{ email: string; password: string; role: "owner" | "admin" | "agent" }>;
}

const DATA_DIR = path.resolve(import.meta.dirname, "..", "..", ".data", "e2e");

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(DATA_DIR, file), "utf8")) as T;
}

/**
 * The demo tenants of the running e2e server (read lazily: the web server seeds them
 * before the tests start), with the random staff passwords the seeder wrote to
 * demo-logins.json (the public manifest has none). `demoTenant("acme")`.
 */
export function demoTenant(slug: "acme" | "globex"): DemoTenant {
  const tenants = readJson<Array<Omit<DemoTenant, "staff">>>("demo-tenants.json");
  const tenant = tenants.find((t) => t.slug === slug);
  if (!tenant) throw new Error(`Demo tenant ${slug} is missing from ${DATA_DIR}/demo-tenants.json`);
  const staff = readJson<Record<string, DemoTenant["staff"]>>("demo-logins.json")[slug];
  if (!staff?.length) throw new Error(`Demo tenant ${slug} has no logins in ${DATA_DIR}/demo-logins.json`);
  return { ...tenant, staff };
}

export function staffOf(tenant: DemoTenant, role: "owner" | "admin" | "agent") {
  const member = tenant.staff.find((s) => s.role === role);
  if (!member) throw new Error(`${tenant.slug} has no ${role} in the demo logins`);
  return member;
}
