import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrateFromAdminUrl } from "@/lib/db/admin";

/**
 * Gives the test run a fresh database with the real migrations: a throwaway database on
 * the PostgreSQL named by TEST_ADMIN_DATABASE_URL (or DATABASE_URL), or an in-memory
 * embedded PGlite when neither is set. Tests connect as the non-superuser login role.
 */
export default async function setup() {
  const serverUrl = process.env.TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({ dataDir: null });
    process.env.DATABASE_URL = embedded.url;
    process.env.DATABASE_POOL_MAX = "1";
    delete process.env.DATABASE_ADMIN_URL;
    process.env.TEST_DATABASE_KIND = "pglite";
    return () => embedded.stop();
  }

  const name = `support_test_${process.pid}_${Date.now()}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await server.query(`create database ${name}`);

  const adminUrl = withDatabase(serverUrl, name);
  const appUrl = new URL(adminUrl);
  appUrl.username = "support_app_test";
  appUrl.password = "support-app-test-password";
  await migrateFromAdminUrl(adminUrl, appUrl.toString());

  process.env.DATABASE_URL = appUrl.toString();
  process.env.DATABASE_ADMIN_URL = adminUrl;
  process.env.TEST_DATABASE_KIND = "postgres";

  return async () => {
    await server.query(`drop database if exists ${name} with (force)`);
    await server.end();
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
