import { createServer } from "node:net";
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { ensureAppLoginRole, runMigrations, type SqlExecutor } from "@/lib/db/migrate";

export const EMBEDDED_LOGIN_ROLE = "support_app";

export interface EmbeddedDatabase {
  /** Connection string for the app's login role (the only one clients get). */
  url: string;
  stop(): Promise<void>;
}

function executorFor(db: PGlite): SqlExecutor {
  return {
    query: async <R,>(sql: string, params?: unknown[]) => ({ rows: (await db.query<R>(sql, params)).rows }),
    exec: (sql: string) => db.exec(sql),
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The embedded default: a real PostgreSQL (PGlite, WASM) with pgvector, persisted under
 * dataDir (or in memory when null), migrated, and served over the Postgres wire protocol
 * so the app uses the same pg clients as with any other database.
 *
 * PGlite is a single session. The socket server multiplexes connections onto it at the
 * query level, so two clients' transactions could interleave; clients must therefore use
 * ONE connection (DATABASE_POOL_MAX=1), which serialises transactions. After set-up the
 * session is switched to the non-superuser login role, so RLS applies as it does on a
 * server.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string | null;
  port?: number;
  /** Runs as the superuser after migrations, before clients connect (provisioning, seeds). */
  prepare?: (admin: SqlExecutor) => Promise<void>;
  /**
   * Whether clients may provision (tenant:create, seeds, tests) through withService, i.e.
   * switch to the RLS-bypassing service role. The app serving requests starts with false.
   */
  provisioning?: boolean;
}): Promise<EmbeddedDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir ?? undefined, extensions: { vector } });
  const admin = executorFor(db);
  await runMigrations(admin);
  await ensureAppLoginRole(admin, EMBEDDED_LOGIN_ROLE, null);
  // With no separate admin connection here, provisioning (tenants:create, seeds at
  // start) runs through the one session as the service role (see withService). PGlite
  // cannot take that back once the session is the login role, so the app is served by a
  // fresh start without it (and a data directory provisioned earlier loses it here).
  await db.exec(`${options.provisioning === false ? "revoke" : "grant"} service_role ${options.provisioning === false ? "from" : "to"} ${EMBEDDED_LOGIN_ROLE}`);
  await options.prepare?.(admin);
  await db.exec(`set session authorization ${EMBEDDED_LOGIN_ROLE}`);

  const port = options.port ?? (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 1 });
  await server.start();
  return {
    url: `postgres://${EMBEDDED_LOGIN_ROLE}@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
