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
    // A connection lost while checked out (the server restarting mid-request) is emitted
    // as 'error' on its client, which the pool only listens to while the client is idle;
    // unheard, it is an uncaught exception that ends the process. Every client gets a
    // listener for its whole life: the request's query still rejects with the error, and
    // the broken client is discarded on release (lib/db/tenant.ts).
    created.on("connect", (client) => {
      client.on("error", (error) => console.error("[db] connection lost:", error.message));
    });
    // The pool re-emits an idle client's error; the listener above has logged it already.
    created.on("error", () => undefined);
    globalForPool.__supportPool = created;
  }
  return globalForPool.__supportPool;
}

export async function closePool(): Promise<void> {
  const current = globalForPool.__supportPool;
  globalForPool.__supportPool = undefined;
  await current?.end();
}
