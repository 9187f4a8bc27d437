import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withService } from "@/lib/db/tenant";
import { DEMO_TENANTS, seedDemoTenants } from "@/lib/tenants/demo";

/**
 * Seeds the two demo tenants (idempotent) with their staff accounts, and writes
 * <DATA_DIR>/demo-tenants.json (public widget keys and demo logins) for the /demo page
 * and the browser tests.
 */
export async function seedDemo(root: string): Promise<void> {
  const tenants = await withService((tx) => seedDemoTenants(tx));
  const created = tenants.filter((t) => t.created).map((t) => t.slug);
  if (created.length) console.log(`Seeded demo tenants: ${created.join(", ")}`);
  const dataDir = path.resolve(root, process.env.DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true });
  const manifest = tenants.map((t) => {
    const demo = DEMO_TENANTS.find((d) => d.slug === t.slug)!;
    return { id: t.id, slug: t.slug, name: demo.name, widgetKey: t.widgetKey, staff: demo.staff };
  });
  writeFileSync(path.join(dataDir, "demo-tenants.json"), JSON.stringify(manifest, null, 2));
}
