/**
 * `npm run tenant:create -- --name "Acme" --slug acme --owner-email a@acme.com [--owner-password ...]`
 * Provisioning with the service role (DATABASE_ADMIN_URL, or the embedded database
 * when the app is stopped). Prints the tenant's widget key and how to sign in.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createStaffMember, createTenant } from "@/lib/tenants/provision";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    slug: { type: "string" },
    "owner-email": { type: "string" },
    "owner-password": { type: "string" },
    plan: { type: "string", default: "free" },
  },
});

const input = z
  .object({
    name: z.string().min(1, "--name is required"),
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "--slug must be 2-63 lowercase letters, digits or dashes"),
    "owner-email": z.string().email("--owner-email must be an email address"),
    "owner-password": z.string().min(10, "--owner-password must be at least 10 characters").optional(),
    plan: z.enum(["free", "pro", "enterprise"]),
  })
  .safeParse(values);
if (!input.success) {
  console.error(input.error.issues.map((i) => i.message).join("\n"));
  process.exit(2);
}

let embedded: EmbeddedDatabase | undefined;
if (!process.env.DATABASE_URL) {
  embedded = await startEmbeddedDatabase({ dataDir: path.resolve(process.env.DATA_DIR ?? ".data", "pglite") });
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_MAX = "1";
}

const password = input.data["owner-password"] ?? randomBytes(12).toString("base64url");
try {
  const tenant = await withService(async (tx) => {
    const created = await createTenant(tx, { name: input.data.name, slug: input.data.slug, plan: input.data.plan });
    await createStaffMember(tx, { tenantId: created.id, email: input.data["owner-email"], password, role: "owner" });
    return created;
  });
  console.log(`Created tenant ${tenant.name} (${tenant.slug}), id ${tenant.id}`);
  console.log(`Widget key: ${tenant.widgetKey}`);
  console.log(`Owner: ${input.data["owner-email"]} / ${password}`);
} catch (error) {
  const message = (error as Error).message;
  console.error(/duplicate key/.test(message) ? `A tenant or user with that slug/email already exists: ${message}` : message);
  process.exitCode = 1;
} finally {
  await closePool();
  await embedded?.stop();
}
