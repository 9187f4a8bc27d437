import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** The least a migration needs from a connection: pg's Client and PGlite both fit. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../supabase/migrations");

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = /^(\d+)_(.+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file name must be <version>_<name>.sql: ${file}`);
      const sql = await readFile(path.join(dir, file), "utf8");
      return {
        version: match[1],
        name: match[2],
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    }),
  );
}

/**
 * Applies pending migrations in order, each in its own transaction, recording what ran.
 * An applied file that changed since is an error: migrations are append-only.
 */
export async function runMigrations(db: SqlExecutor, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`
    create schema if not exists app_migrations;
    create table if not exists app_migrations.applied (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    );
    revoke all on schema app_migrations from public;
  `);
  const applied = new Map(
    (await db.query<{ version: string; checksum: string }>("select version, checksum from app_migrations.applied")).rows.map(
      (r) => [r.version, r.checksum],
    ),
  );
  const ran: string[] = [];
  for (const migration of await loadMigrations(dir)) {
    const previous = applied.get(migration.version);
    if (previous) {
      if (previous !== migration.checksum) {
        throw new Error(
          `Migration ${migration.version}_${migration.name} changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    await db.exec("begin");
    try {
      await db.exec(migration.sql);
      await db.query("insert into app_migrations.applied (version, name, checksum) values ($1, $2, $3)", [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      await db.exec("commit");
    } catch (error) {
      await db.exec("rollback");
      throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    ran.push(`${migration.version}_${migration.name}`);
  }
  return ran;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The role the app logs in as: it may switch to the request roles and the worker role
 * (SET LOCAL ROLE inside a transaction) but has no table privileges of its own, is not
 * a superuser and cannot bypass RLS. It owns only the checkpoint schema's tables.
 */
export async function ensureAppLoginRole(db: SqlExecutor, name: string, password: string | null): Promise<void> {
  if (!IDENT.test(name)) throw new Error(`Invalid role name: ${name}`);
  const exists = (await db.query("select 1 from pg_roles where rolname = $1", [name])).rows.length > 0;
  const pw = password === null ? "" : ` password '${password.replaceAll("'", "''")}'`;
  await db.exec(
    `${exists ? "alter" : "create"} role ${name} login noinherit nosuperuser nocreatedb nocreaterole nobypassrls${pw}`,
  );
  await db.exec(`
    grant anon, authenticated, app_worker, app_auth to ${name};
    grant usage, create on schema langgraph to ${name};
    grant usage on schema public, app, auth to ${name};
  `);
}
