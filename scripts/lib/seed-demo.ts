import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { systemClaims } from "@/lib/auth/claims";
import { withService, withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/jobs/runner";
import { addFileSource } from "@/lib/rag/add-source";
import { DEMO_TENANTS, seedDemoTenants } from "@/lib/tenants/demo";

/**
 * Seeds the two demo tenants (idempotent) with their staff accounts and knowledge bases
 * (lib/tenants/demo-kb/<slug>/*.md, through the real ingestion path), and writes
 * <DATA_DIR>/demo-tenants.json (public widget keys and demo logins) for the /demo page
 * and the browser tests.
 */
export async function seedDemo(root: string): Promise<void> {
  const tenants = await withService((tx) => seedDemoTenants(tx));
  const created = tenants.filter((t) => t.created).map((t) => t.slug);
  if (created.length) console.log(`Seeded demo tenants: ${created.join(", ")}`);

  for (const tenant of tenants) {
    const dir = path.join(root, "lib", "tenants", "demo-kb", tenant.slug);
    const files = readdirSync(dir).filter((f) => f.endsWith(".md"));
    // Same file name and content again is a no-op, so this is safe on every start.
    await withTenant(systemClaims(tenant.id), async (tx) => {
      for (const fileName of files) {
        await addFileSource(tx, {
          tenantId: tenant.id,
          userId: null,
          kind: "markdown",
          fileName,
          mimeType: "text/markdown",
          data: new Uint8Array(readFileSync(path.join(dir, fileName))),
        });
      }
    });
  }
  const summary = await runJobsUntilIdle({ ignoreBackoff: true });
  if (summary.failed > 0) console.warn(`Demo knowledge base: ${summary.failed} ingestion job(s) failed`);

  const dataDir = path.resolve(root, process.env.DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true });
  const manifest = tenants.map((t) => {
    const demo = DEMO_TENANTS.find((d) => d.slug === t.slug)!;
    return { id: t.id, slug: t.slug, name: demo.name, widgetKey: t.widgetKey, staff: demo.staff };
  });
  writeFileSync(path.join(dataDir, "demo-tenants.json"), JSON.stringify(manifest, null, 2));
}
