import pg from "pg";
import { env } from "@/lib/env";

/**
 * One pool per process. Request code never uses it directly: it goes through
 * withTenant / withWorker (lib/db/tenant.ts), which scope every use to a transaction.
 */
const globalForPool = globalThis as unknown as { __supportPool?: pg.Pool };

export function pool(): pg.Pool {
  if (!globalForPool.__supportPool) {
    const { DATABASE_URL, DATABASE_POOL_MAX } = env();
    if (!DATABASE_URL) {
      throw new Error(
        "DATABASE_URL is not set. Run the app with `npm start` (it starts the embedded database) or set DATABASE_URL.",
      );
    }
    const created = new pg.Pool({ connectionString: DATABASE_URL, max: DATABASE_POOL_MAX, idleTimeoutMillis: 30_000 });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    created.on("error", (error) => console.error("[db] idle client error:", error.message));
    globalForPool.__supportPool = created;
  }
  return globalForPool.__supportPool;
}

export async function closePool(): Promise<void> {
  const current = globalForPool.__supportPool;
  globalForPool.__supportPool = undefined;
  await current?.end();
}
