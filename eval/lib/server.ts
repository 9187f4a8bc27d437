import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { closePool } from "@/lib/db/pool";
import { onCleanup } from "./lifecycle";
import { freePort } from "@/lib/db/embedded";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
export const RESULTS_DIR = path.join(ROOT, "bench-results");

export type BuildMode = "auto" | "always" | "never";

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

// Written at the end of a successful build (BUILD_ID is written early, even by failed ones).
const BUILD_DONE = path.join(ROOT, ".next", "prerender-manifest.json");

/** True when there is no complete production build or the app's sources changed since it was made. */
export function buildIsStale(): boolean {
  if (!existsSync(BUILD_DONE)) return true;
  const built = statSync(BUILD_DONE).mtimeMs;
  return ["app", "components", "lib", "emails", "inngest"].some((d) => newestMtime(path.join(ROOT, d)) > built);
}

/** Benchmarks measure what users get: `next build` output served by `next start`. */
export async function ensureProductionBuild(mode: BuildMode): Promise<void> {
  if (mode === "never" || (mode === "auto" && !buildIsStale())) {
    if (!existsSync(BUILD_DONE)) throw new Error("No complete production build in .next; run with --build auto.");
    return;
  }
  console.error("Building the app (next build)…");
  const code = await new Promise<number>((resolve) => {
    // Pages rendered at build time read the validated env: production refuses the dev secret.
    const env = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", AUTH_JWT_SECRET: process.env.AUTH_JWT_SECRET ?? randomBytes(48).toString("base64url") } as NodeJS.ProcessEnv;
    spawn(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: ["ignore", process.stderr, "inherit"], env }).on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code}).`);
}

export interface ProductionServer {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("The server exited during start-up.");
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server did not become healthy within ${timeoutMs / 1000} s.`);
}

/**
 * `next start` on a free port against the run's database, offline models, the local job
 * runner and a throwaway data folder; its output goes to bench-results/<name>-server.log.
 * This process's pool is closed first: the embedded database serves one connection.
 */
export async function startProductionServer(
  name: string,
  databaseEnv: Record<string, string>,
  /** Set after the provider settings are removed: e.g. OPENAI_BASE_URL of a loopback mock model. */
  modelEnv: Record<string, string> = {},
): Promise<ProductionServer> {
  await closePool();
  await mkdir(RESULTS_DIR, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
  const logFile = path.join(RESULTS_DIR, `${name}-server.log`);
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...databaseEnv,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: url,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: randomBytes(48).toString("base64url"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  // Offline models, local jobs, file mail: the benchmark measures the product, not a
  // provider. Removed, not emptied: some SDKs reject an empty setting.
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "INNGEST_EVENT_KEY", "RESEND_API_KEY", "SMTP_URL"]) delete env[key];
  Object.assign(env, modelEnv);
  // BENCH_SERVER_CPU_PROFILE=<folder>: the server writes a V8 CPU profile there when it stops
  // (open it in Chrome DevTools or speedscope), to see where a benchmark's server time goes.
  const profileDir = process.env.BENCH_SERVER_CPU_PROFILE;
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  onCleanup(stop);
  try {
    await waitForHealth(url, () => child.exitCode !== null, 60_000);
  } catch (error) {
    throw new Error(`${(error as Error).message} See ${path.relative(ROOT, logFile)}.`);
  }
  return { url, pid: child.pid!, logFile, stop };
}
