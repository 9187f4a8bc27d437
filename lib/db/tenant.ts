import "server-only";
import pg from "pg";
import { requestClaimsSchema, type RequestClaims } from "@/lib/db/claims";
import { pool } from "@/lib/db/pool";
import { env } from "@/lib/env";

/** What query functions receive: a client inside an open, scoped transaction. */
export type Tx = Pick<pg.PoolClient, "query">;

/**
 * Runs `run` on a pooled connection that it leaves outside any transaction: on an error
 * the transaction is rolled back, and a connection whose state we cannot vouch for is
 * destroyed, never reused.
 */
async function onConnection<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken = false;
  try {
    return await run(client);
  } catch (error) {
    await client.query("rollback").catch(() => {
      broken = true;
    });
    broken ||= isConnectionError(error);
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Opens the transaction and sets its role and claims in one round trip: `begin` and the
 * setup (set_config calls, values as escaped literals) go as one simple-protocol query.
 */
function inTransaction<T>(setupSql: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return onConnection(async (client) => {
    await client.query(`begin; ${setupSql}`);
    const result = await fn(client);
    await client.query("commit");
    return result;
  });
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "57P01";
}

/**
 * Runs fn in one transaction as the request's role with its verified claims, exactly as
 * PostgREST does: role and claims are set with set_config(..., true), so they end with
 * the transaction and never leak to the next user of the pooled connection. RLS does
 * the tenant scoping; this is the only way request code touches tenant data.
 */
export async function withTenant<T>(claims: RequestClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const verified = requestClaimsSchema.parse(claims);
  const [role, json, tenant] = [verified.role, JSON.stringify(verified), verified.app_metadata.tenant_id].map((v) => pg.escapeLiteral(v));
  return inTransaction(
    `select set_config('role', ${role}, true), set_config('request.jwt.claims', ${json}, true), set_config('app.current_tenant', ${tenant}, true)`,
    fn,
  );
}

/**
 * For background workers claiming work across tenants (jobs, e-mail outbox). The worker
 * role can read only those queue tables; tenant data still needs withTenant.
 */
export function withWorker<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction("select set_config('role', 'app_worker', true)", fn);
}

const globalForAdmin = globalThis as unknown as { __supportAdminPool?: pg.Pool };

/**
 * Provisioning only (creating tenants and their owners, CLI and seeds): never a request.
 * Uses DATABASE_ADMIN_URL when set; otherwise the login role must be a member of
 * service_role (true only for the embedded single-user database).
 */
export async function withService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const adminUrl = env().DATABASE_ADMIN_URL;
  if (!adminUrl) {
    return inTransaction("select set_config('role', 'service_role', true)", fn);
  }
  const { default: pgModule } = await import("pg");
  if (!globalForAdmin.__supportAdminPool) {
    const created = new pgModule.Pool({ connectionString: adminUrl, max: 2 });
    // As the app pool (lib/db/pool.ts): a connection lost while checked out must not be an
    // uncaught exception that ends the process.
    created.on("connect", (client) => {
      client.on("error", (error) => console.error("[db] admin connection lost:", error.message));
    });
    created.on("error", () => undefined);
    globalForAdmin.__supportAdminPool = created;
  }
  const client = await globalForAdmin.__supportAdminPool.connect();
  try {
    await client.query("begin");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The self-hosted sign-in: the one role that may read credentials (app.local_credentials)
 * and the sign-in throttle. Visitors' anon role cannot.
 */
export function withSignInRole<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction("select set_config('role', 'app_auth', true), set_config('request.jwt.claims', '', true)", fn);
}

/** The anon role with no claims. */
const ANONYMOUS = "select set_config('role', 'anon', true), set_config('request.jwt.claims', '', true)";

/** Before anyone is known (widget key lookup, health check): the anon role with no claims. */
export function withAnonymous<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(ANONYMOUS, fn);
}

/**
 * One statement as the anon role with no claims, in a transaction that takes one round
 * trip: begin, the role, the statement and commit go as one simple-protocol query, so its
 * values must be escaped literals (pg.escapeLiteral). For the hot path's single calls
 * (the rate limiter); anything that needs more than one statement uses withAnonymous.
 */
export function queryAsAnonymous<R extends pg.QueryResultRow>(statementSql: string): Promise<R[]> {
  return onConnection(async (client) => {
    const results = (await client.query(`begin; ${ANONYMOUS}; ${statementSql}; commit`)) as unknown as Array<pg.QueryResult<R>>;
    return results[2].rows;
  });
}

/** Ends the admin pool behind withService (before dropping a throwaway database). */
export async function closeServicePool(): Promise<void> {
  const current = globalForAdmin.__supportAdminPool;
  globalForAdmin.__supportAdminPool = undefined;
  await current?.end().catch(() => undefined);
}
