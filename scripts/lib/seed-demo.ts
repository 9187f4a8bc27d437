import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { systemClaims } from "@/lib/db/claims";
import { withService, withTenant, type Tx } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { runOwnJobs } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { ingestJobKey } from "@/lib/rag/ingest-job";
import { DEMO_TENANTS, seedDemoTenants, type DemoLogin } from "@/lib/tenants/demo";

/** <DATA_DIR>/demo-logins.json: the demo staff passwords, readable by this machine's user only. */
export type DemoLogins = Record<string, DemoLogin[]>;

export function demoLoginsPath(dataDir: string): string {
  return path.join(dataDir, "demo-logins.json");
}

export function readDemoLogins(dataDir: string): DemoLogins {
  const file = demoLoginsPath(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DemoLogins) : {};
}

const KNOWLEDGE_SEEDED = "demo.knowledge_seeded";

/**
 * Whether `npm start` seeds the demo tenants: on the embedded database unless
 * SEED_DEMO=false; on any other database only with SEED_DEMO=true (and an admin URL to
 * provision with), so a real deployment never gets demo accounts by accident.
 */
export function demoSeedingPlan(input: { embedded: boolean; seedDemo?: string; adminUrl?: string }): { seed: boolean; note?: string } {
  if (input.seedDemo === "false") return { seed: false };
  if (input.embedded) return { seed: true };
  if (input.seedDemo !== "true") return { seed: false };
  if (!input.adminUrl) return { seed: false, note: "SEED_DEMO=true needs DATABASE_ADMIN_URL (a role that may provision tenants); demo tenants not seeded." };
  return { seed: true };
}

/**
 * Seeds the two demo tenants once: staff accounts with random passwords (written to
 * <DATA_DIR>/demo-logins.json, mode 600, for the launcher to print) and knowledge bases
 * (lib/tenants/demo-kb/<slug>/*.md, through the real ingestion path). A later start
 * never re-adds or overwrites anything. Only the ingestion jobs seeded here are run;
 * whatever else is queued waits for the app's runner. Writes <DATA_DIR>/demo-tenants.json
 * (names and public widget keys, no passwords) for the /demo page and the browser tests.
 */
export async function seedDemo(root: string): Promise<void> {
  const tenants = await withService((tx) => seedDemoTenants(tx, () => randomBytes(12).toString("base64url")));
  const created = tenants.filter((t) => t.created);
  if (created.length) console.log(`Seeded demo tenants: ${created.map((t) => t.slug).join(", ")}`);

  const dataDir = path.resolve(root, env().DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  if (created.length) {
    const logins = { ...readDemoLogins(dataDir), ...Object.fromEntries(created.map((t) => [t.slug, t.logins])) };
    writeFileSync(demoLoginsPath(dataDir), JSON.stringify(logins, null, 2), { mode: 0o600 });
  }

  const jobIds: string[] = [];
  for (const tenant of tenants) {
    jobIds.push(...(await withTenant(systemClaims(tenant.id), (tx) => seedKnowledgeOnce(tx, root, tenant.id, tenant.slug))));
  }
  const summary = await runOwnJobs(jobIds);
  if (summary.failed > 0) console.warn(`Demo knowledge base: ${summary.failed} ingestion job(s) failed`);

  const manifest = tenants.map((t) => {
    const demo = DEMO_TENANTS.find((d) => d.slug === t.slug)!;
    const staff = demo.staff.map(({ email, role }) => ({ email, role }));
    return { id: t.id, slug: t.slug, name: demo.name, widgetKey: t.widgetKey, staff };
  });
  writeFileSync(path.join(dataDir, "demo-tenants.json"), JSON.stringify(manifest, null, 2));
}

/**
 * Adds the demo files in one transaction with a marker in the tenant's audit log, so they
 * go in exactly once. A tenant that already has sources (seeded before the marker
 * existed) is left alone too: its knowledge base may hold the owner's edits.
 */
async function seedKnowledgeOnce(tx: Tx, root: string, tenantId: string, slug: string): Promise<string[]> {
  const { rows } = await tx.query<{ seeded: boolean }>(
    `select exists (select 1 from public.audit_log where action = $1)
         or exists (select 1 from public.sources) as seeded`,
    [KNOWLEDGE_SEEDED],
  );
  if (rows[0].seeded) return [];
  const dir = path.join(root, "lib", "tenants", "demo-kb", slug);
  const keys: string[] = [];
  for (const fileName of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
    const added = await addFileSource(tx, {
      tenantId,
      userId: null,
      kind: "markdown",
      fileName,
      mimeType: "text/markdown",
      data: new Uint8Array(readFileSync(path.join(dir, fileName))),
    });
    keys.push(ingestJobKey(added.source.id, added.source.version));
  }
  await tx.query(
    `insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details)
     values (app.current_tenant_id(), null, $1, 'tenant', $2, $3)`,
    [KNOWLEDGE_SEEDED, tenantId, JSON.stringify({ files: keys.length })],
  );
  const jobs = await tx.query<{ id: string }>("select id from public.jobs where idempotency_key = any($1::text[])", [keys]);
  return jobs.rows.map((j) => j.id);
}
