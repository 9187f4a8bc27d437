/**
 * `npm start`: the whole product on one machine with no accounts or keys. With no
 * DATABASE_URL it starts the embedded PostgreSQL (PGlite + pgvector) under .data/,
 * migrates it, seeds two demo tenants, builds the app if needed and serves it.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { getEmbedder } from "@/lib/ai/embeddings";
import { fetchModel } from "@/lib/ai/models/fetch";
import { MINILM, modelsDir } from "@/lib/ai/models/manifest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { withService } from "@/lib/db/tenant";
import { queueReembedsForModel } from "@/lib/rag/embedding-model";
import { closePool } from "@/lib/db/pool";
import { parseEnv, type Env } from "@/lib/env";
import { DEMO_TENANTS } from "@/lib/tenants/demo";
import { migrateFromAdminUrl } from "@/lib/db/admin";
import { demoLoginsPath, demoSeedingPlan, readDemoLogins, seedDemo } from "@/scripts/lib/seed-demo";
import { assertKnownChatModel, findLocalLlm, localLlmIdOf } from "@/lib/ai/models/llm-manifest";
import { fetchLocalLlm } from "@/lib/ai/models/fetch-llm";

const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "3000";
const dataDir = path.resolve(root, process.env.DATA_DIR ?? ".data");

function ensureSecret(): void {
  if (process.env.AUTH_JWT_SECRET) return;
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600 });
  process.env.AUTH_JWT_SECRET = readFileSync(file, "utf8").trim();
}

function printDemoLogins(): void {
  const logins = readDemoLogins(dataDir);
  for (const tenant of DEMO_TENANTS) {
    const known = logins[tenant.slug];
    const list = known?.length
      ? known.map((s) => `${s.email} / ${s.password} (${s.role})`).join(", ")
      : `${tenant.staff.map((s) => s.email).join(", ")} (seeded earlier; passwords are not stored)`;
    console.log(`  ${tenant.name}: ${list}`);
  }
  console.log(`  Demo logins are kept in ${path.relative(root, demoLoginsPath(dataDir))} (readable by you only).`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (args.has("--rebuild") || !existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return ["app", "components", "lib", "emails", "inngest"].some((d) => newestMtime(path.join(root, d)) > built) ||
    ["next.config.ts", "proxy.ts", "package-lock.json"].some((f) => statSync(path.join(root, f)).mtimeMs > built);
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** With no OpenAI key/URL the local embedder is the default: fetch it on first use. */
async function ensureLocalModels(settings: Env): Promise<void> {
  if (settings.OPENAI_API_KEY || settings.OPENAI_BASE_URL || settings.LOCAL_EMBEDDER === "hash") return;
  const result = await fetchModel(MINILM, { root: modelsDir(settings.MODELS_DIR) });
  if (!result.ok) {
    console.warn(`Could not fetch ${MINILM.title}: ${result.message}. Continuing with the hash embedder; run \`npm run models:fetch\` to retry.`);
  }
}

/** Tenants whose vectors came from another model (e.g. before the model was fetched) are re-embedded. */
async function reembedStaleTenants(): Promise<void> {
  const modelId = getEmbedder().modelId;
  const queued = await withService((tx) => queueReembedsForModel(tx, modelId));
  if (queued.length) console.log(`Re-embedding ${queued.length} tenant(s) with ${modelId}: their vectors came from another model`);
}

/** CHAT_MODEL=local:<id>: fetch the model on first use; without it the app answers offline and says so. */
async function ensureLocalLlm(chatModel: string, modelsDir: string): Promise<void> {
  const id = localLlmIdOf(chatModel);
  const manifest = id ? findLocalLlm(id) : undefined;
  if (!manifest) return;
  try {
    await fetchLocalLlm(manifest, path.resolve(root, modelsDir));
  } catch (error) {
    console.error(`Local model ${manifest.fileName} is not available: ${(error as Error).message}`);
    console.error("Answering falls back to the offline answerer until the file is in place (npm run models:fetch-llm).");
  }
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  ensureSecret();
  Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
  // Fail fast, naming the setting, before anything else starts. parseEnv, not env(): env()
  // would keep this copy, and DATABASE_URL is only known once the database below runs.
  const settings = parseEnv(process.env);
  assertKnownChatModel(settings.CHAT_MODEL);
  await ensureLocalModels(settings);
  let embedded: EmbeddedDatabase | undefined;

  if (!settings.DATABASE_URL) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
    process.env.DATABASE_URL = embedded.url;
    process.env.DATABASE_POOL_MAX = "1";
    console.log(`Embedded PostgreSQL (PGlite + pgvector) ready, data in ${path.relative(root, dataDir)}/pglite`);
  } else if (settings.DATABASE_ADMIN_URL) {
    const ran = await migrateFromAdminUrl(settings.DATABASE_ADMIN_URL, settings.DATABASE_URL);
    console.log(ran.length ? `Applied migrations: ${ran.join(", ")}` : "Database schema is up to date");
  }
  await ensureLocalLlm(settings.CHAT_MODEL, settings.MODELS_DIR);

  // Queued for the app's runner: tenants whose vectors another embedding model made.
  if (embedded || settings.DATABASE_ADMIN_URL) await reembedStaleTenants();
  const plan = demoSeedingPlan({ embedded: Boolean(embedded), seedDemo: settings.SEED_DEMO, adminUrl: settings.DATABASE_ADMIN_URL });
  if (plan.note) console.warn(plan.note);
  // Seeding runs only its own jobs: tenants' queued work waits for the app's runner, so
  // a job that once took the app down cannot stop it from booting.
  if (plan.seed) await seedDemo(root);
  await closePool(); // the embedded database serves one connection: hand it to the app
  if (embedded) {
    // Restarted without the provisioning grant: the serving app cannot bypass RLS.
    await embedded.stop();
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite"), provisioning: false });
    process.env.DATABASE_URL = embedded.url;
  }

  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const env = { ...process.env, PORT: port, NEXT_TELEMETRY_DISABLED: "1" };
  if (!dev && needsBuild()) {
    console.log("Building the app (first start or sources changed)…");
    const code = await run([next, "build"], env);
    if (code !== 0) process.exit(code);
  }

  const url = settings.APP_URL_CONFIGURED ? settings.APP_URL : `http://localhost:${port}`;
  console.log(`\nSupport platform on ${url}`);
  console.log(`  Control Center: ${url}/sign-in`);
  console.log(`  Demo site with the chat widget: ${url}/demo`);
  if (plan.seed) printDemoLogins();

  const server = spawn(process.execPath, [next, dev ? "dev" : "start", "-p", port], { cwd: root, env, stdio: "inherit" });
  const stop = async () => {
    server.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", async (code) => {
    await embedded?.stop();
    process.exit(code ?? 0);
  });
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  await closePool().catch(() => undefined);
  process.exit(1);
});

