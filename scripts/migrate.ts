/** `npm run db:migrate`: applies supabase/migrations with DATABASE_ADMIN_URL. */
import { migrateFromAdminUrl } from "@/lib/db/admin";

const adminUrl = process.env.DATABASE_ADMIN_URL;
if (!adminUrl) {
  console.error("DATABASE_ADMIN_URL is not set: it must name a role that may create roles and tables.");
  process.exit(2);
}
const ran = await migrateFromAdminUrl(adminUrl, process.env.DATABASE_URL);
console.log(ran.length ? `Applied: ${ran.join(", ")}` : "Nothing to apply: the schema is up to date.");
