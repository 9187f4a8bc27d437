import pg from "pg";
import { ensureAppLoginRole, runMigrations, type SqlExecutor } from "@/lib/db/migrate";

/** A migration executor over one pg client (the admin / service connection). */
export function pgExecutor(client: pg.Client): SqlExecutor {
  return {
    query: async <R,>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }),
    exec: (sql: string) => client.query(sql),
  };
}

/**
 * Migrates with the admin URL and makes sure the app's login role (the user in
 * DATABASE_URL) exists with exactly the rights it needs. On Supabase, use
 * `supabase db push` instead; this is for self-hosted PostgreSQL and CI.
 */
export async function migrateFromAdminUrl(adminUrl: string, appUrl?: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const executor = pgExecutor(client);
    const ran = await runMigrations(executor);
    if (appUrl) {
      const app = new URL(appUrl);
      const admin = new URL(adminUrl);
      if (app.username && app.username !== admin.username) {
        await ensureAppLoginRole(executor, decodeURIComponent(app.username), app.password ? decodeURIComponent(app.password) : null);
      }
    }
    return ran;
  } finally {
    await client.end();
  }
}
