import { closeServicePool } from "@/lib/db/tenant";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { migrateFromAdminUrl } from "@/lib/db/admin";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { closePool } from "@/lib/db/pool";
import { onCleanup } from "./lifecycle";

export type RunLabel = "eval" | "bench";

export interface RunDatabase {
  kind: "postgres" | "pglite";
  /** The app's non-superuser login (also exported as DATABASE_URL). */
  url: string;
  /** Superuser URL of the throwaway database (null on PGlite, where the app's role provisions). */
  adminUrl: string | null;
  /** Environment a server process needs to use this database. */
  env: Record<string, string>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Names carry the host so a run only ever drops leftovers of its own machine's dead processes. */
const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 6);

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops throwaway databases left by runs of this machine that died before cleaning up. */
async function dropLeftovers(server: pg.Client, label: RunLabel): Promise<void> {
  const prefix = `support_${label}_${HOST_TAG}_`;
  const { rows } = await server.query<{ datname: string }>("select datname from pg_database where datname like $1", [`${prefix}%`]);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(prefix.length).split("_")[0]);
    if (Number.isInteger(pid) && !isProcessAlive(pid)) {
      await server.query(`drop database if exists ${datname} with (force)`);
      console.log(`Dropped leftover database ${datname} of an interrupted run.`);
    }
  }
}

async function freshPostgres(serverUrl: string, label: RunLabel): Promise<RunDatabase> {
  const name = `support_${label}_${HOST_TAG}_${process.pid}_${Date.now()}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await dropLeftovers(server, label);
  await server.query(`create database ${name}`);
  onCleanup(async () => {
    await closePool().catch(() => undefined);
    await closeServicePool();
    await server.query(`drop database if exists ${name} with (force)`);
    await server.end();
  });
  const adminUrl = withDatabase(serverUrl, name);
  const appUrl = new URL(adminUrl);
  appUrl.username = `support_app_${label}`;
  appUrl.password = `support-app-${label}-password`;
  await migrateFromAdminUrl(adminUrl, appUrl.toString());
  return { kind: "postgres", url: appUrl.toString(), adminUrl, env: { DATABASE_URL: appUrl.toString(), DATABASE_ADMIN_URL: adminUrl } };
}

/** PGlite in a child process, so a benchmark's load generator does not share its event loop. */
function pgliteInChild(): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register.mjs", "eval/lib/pglite-host.ts"], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  onCleanup(async () => {
    await closePool().catch(() => undefined);
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin.end();
    });
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const ready = /^READY (\S+)$/.exec(line.trim());
      if (ready) resolve(ready[1]);
    });
    child.once("exit", (code) => reject(new Error(`The embedded database process exited (code ${code}) before it was ready.`)));
  });
}

/** The PostgreSQL server runs make their throwaway databases on, if any (else an embedded PGlite). */
export function runDatabaseServer(): string | undefined {
  return process.env.TEST_ADMIN_DATABASE_URL || process.env.DATABASE_ADMIN_URL || undefined;
}

/**
 * A fresh, migrated database for one run, exported as DATABASE_URL (and
 * DATABASE_ADMIN_URL) before anything reads the environment: a throwaway database on
 * the server named by TEST_ADMIN_DATABASE_URL or DATABASE_ADMIN_URL, else an in-memory
 * embedded PGlite (one connection: DATABASE_POOL_MAX=1). Dropped or stopped at cleanup;
 * leftovers of interrupted runs on this machine are dropped first.
 */
export async function startRunDatabase(label: RunLabel, options: { separateProcess?: boolean } = {}): Promise<RunDatabase> {
  const serverUrl = runDatabaseServer();
  let db: RunDatabase;
  if (serverUrl) {
    db = await freshPostgres(serverUrl, label);
  } else {
    let url: string;
    if (options.separateProcess) url = await pgliteInChild();
    else {
      const embedded = await startEmbeddedDatabase({ dataDir: null });
      onCleanup(async () => {
        await closePool().catch(() => undefined);
        await embedded.stop();
      });
      url = embedded.url;
    }
    db = { kind: "pglite", url, adminUrl: null, env: { DATABASE_URL: url, DATABASE_POOL_MAX: "1" } };
    delete process.env.DATABASE_ADMIN_URL;
  }
  Object.assign(process.env, db.env);
  return db;
}
