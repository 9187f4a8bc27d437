/**
 * The app as the browser tests see it: a fresh database, the demo tenants, a real SMTP
 * sink (inspectable over HTTP at E2E_MAIL_PORT) and a production build on E2E_PORT.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrateFromAdminUrl } from "@/lib/db/admin";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { closePool } from "@/lib/db/pool";
import { startMailSink } from "@/scripts/lib/mail-sink";
import { seedDemo } from "@/scripts/lib/seed-demo";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.E2E_PORT ?? "3100";
const mailPort = Number(process.env.E2E_MAIL_PORT ?? 3199);
const cleanups: Array<() => Promise<unknown>> = [];

async function freshDatabase(): Promise<void> {
  const serverUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({ dataDir: null });
    process.env.DATABASE_URL = embedded.url;
    process.env.DATABASE_POOL_MAX = "1";
    cleanups.push(() => embedded.stop());
    return;
  }
  const name = `support_e2e_${Date.now()}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  // Playwright may kill this process before it can clean up: drop earlier runs' databases.
  const stale = await server.query<{ datname: string }>("select datname from pg_database where datname like 'support_e2e_%'");
  for (const { datname } of stale.rows) {
    const startedAt = Number(datname.slice("support_e2e_".length));
    if (Date.now() - startedAt > 2 * 3600_000) await server.query(`drop database if exists ${datname} with (force)`);
  }
  await server.query(`create database ${name}`);
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = `/${name}`;
  const appUrl = new URL(adminUrl);
  appUrl.username = "support_app_e2e";
  appUrl.password = "support-app-e2e-password";
  await migrateFromAdminUrl(adminUrl.toString(), appUrl.toString());
  process.env.DATABASE_URL = appUrl.toString();
  process.env.DATABASE_ADMIN_URL = adminUrl.toString();
  cleanups.push(async () => {
    await server.query(`drop database if exists ${name} with (force)`);
    await server.end();
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" }).on("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  process.env.AUTH_JWT_SECRET ??= randomBytes(48).toString("base64url");
  process.env.DATA_DIR ??= ".data/e2e";
  // Every browser test comes from 127.0.0.1: the per-address session limit would count them all as one visitor.
  process.env.CHAT_SESSIONS_PER_HOUR_PER_IP ??= "10000";
  await freshDatabase();
  const sink = await startMailSink({ smtpPort: mailPort + 1, httpPort: mailPort });
  cleanups.push(() => sink.stop());
  process.env.SMTP_URL = `smtp://127.0.0.1:${mailPort + 1}`;
  process.env.APP_URL = `http://127.0.0.1:${port}`;
  await seedDemo(root);
  await closePool();

  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const env = { ...process.env, NODE_ENV: "production" as const, PORT: port, NEXT_TELEMETRY_DISABLED: "1" };
  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(path.join(root, ".next", "BUILD_ID"))) {
    const code = await run([next, "build"], env);
    if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
  }
  const server = spawn(process.execPath, [next, "start", "-p", port, "-H", "127.0.0.1"], { cwd: root, env, stdio: "inherit" });
  const shutdown = async () => {
    server.kill("SIGTERM");
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  server.on("exit", shutdown);
}

main().catch(async (error) => {
  console.error(error);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.exit(1);
});
