import { randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * Every setting the app reads, validated once. A missing or malformed value fails at
 * start-up (instrumentation.ts) with a message naming it, instead of surfacing later as a
 * confusing error. The one module that reads process.env: the bottom layer, importing
 * nothing of lib/ (checks that need a domain's data, such as which local models exist,
 * live in that domain and report through invalidSetting()).
 */
/** The public constant earlier versions fell back to: anyone could sign tokens with it. */
const RETIRED_SECRETS = new Set(["dev-only-secret-change-me-dev-only-secret"]);
/** Tests only (NODE_ENV=test): every test process must verify what another signed. */
const TEST_SECRET = "test-only-secret-never-used-outside-vitest-0000";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.string().url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional());

/** CHAT_MODEL values of the form local:<id> select a local LLM (lib/ai/models/llm-manifest.ts knows the ids). */
export const LOCAL_CHAT_MODEL_PREFIX = "local:";
const LOCAL_MODEL_ID = /^[a-z0-9][a-z0-9._-]*$/i;

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    APP_URL: z.string().url().default("http://localhost:3000"),
    DATA_DIR: z.string().default(".data"),

    DATABASE_URL: optionalString,
    DATABASE_ADMIN_URL: optionalString,
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

    AUTH_MODE: z.enum(["local", "supabase"]).optional(),
    AUTH_JWT_SECRET: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().min(32, "AUTH_JWT_SECRET must be at least 32 characters").optional(),
    ),
    /** A widget conversation token is renewed on return, but never beyond this many days from the first. */
    WIDGET_SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** argon2 hashes one process computes at once (sign-ins beyond queue, then 429). */
    AUTH_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    NEXT_PUBLIC_SUPABASE_URL: optionalUrl,
    NEXT_PUBLIC_SUPABASE_ANON_KEY: optionalString,

    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    CHAT_MODEL: z.string().min(1, "CHAT_MODEL names a model (or local:<id>)").default("gpt-4o-mini"),
    EMBEDDING_MODEL: z.string().default("text-embedding-3-small"),
    /** With no OpenAI key/URL: the neural MiniLM embedder (when its files are present) or the hash embedder. */
    LOCAL_EMBEDDER: z.enum(["minilm", "hash"]).default("minilm"),
    MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Where local model files live, outside git (fetched by `npm run models:fetch` / `models:fetch-llm`). */
    MODELS_DIR: z.string().default(".models"),
    /** Per-call budget of the local LLM (CHAT_MODEL=local:…): CPU generation is slower than an API. */
    LOCAL_LLM_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
    /** Local LLM calls that may wait behind the running one; beyond that the question goes to a human. */
    LOCAL_LLM_QUEUE_MAX: z.coerce.number().int().min(0).max(100).default(2),
    /**
     * Tokens of passages + question the local LLM reads per answer. Prompt evaluation is the
     * slow part on a CPU (~47 tokens/s on 2 cores): the lowest-ranked passages beyond it are
     * dropped whole.
     */
    LOCAL_LLM_PROMPT_TOKENS: z.coerce.number().int().min(256).max(32_768).default(1_200),
    /** CPU threads for the local LLM; 0 = all cores but one, so requests (cache hits) keep a core. */
    LOCAL_LLM_THREADS: z.coerce.number().int().min(0).max(256).default(0),
    /** Questions one conversation may send per minute; 0 turns the limit off (load tests). */
    CHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
    // Abuse and cost limits (0 turns one off). Counted in PostgreSQL, or Upstash Redis with
    // RATE_LIMIT_ADAPTER=upstash: shared by every app process.
    CHAT_QUESTIONS_PER_MINUTE_PER_IP: z.coerce.number().int().min(0).default(60),
    CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: z.coerce.number().int().min(0).default(600),
    CHAT_SESSIONS_PER_HOUR_PER_IP: z.coerce.number().int().min(0).default(60),
    CHAT_SESSIONS_PER_HOUR_PER_TENANT: z.coerce.number().int().min(0).default(5_000),
    /** Live event streams (SSE) one conversation may hold open at once. */
    CHAT_LIVE_STREAMS_PER_CONVERSATION: z.coerce.number().int().min(1).max(100).default(3),
    /** Ceiling on model calls per tenant per 30 days (0 = none); a tenant may set a lower one. */
    TENANT_MODEL_CALLS_PER_MONTH: z.coerce.number().int().min(0).default(0),
    RATE_LIMIT_ADAPTER: z.enum(["postgres", "upstash"]).default("postgres"),
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: optionalString,
    /** 1: the chat reports where its time went (Server-Timing header, answer metadata); for benchmarks. */
    CHAT_SERVER_TIMING: z.enum(["0", "1"]).default("0"),

    CACHE_ADAPTER: z.enum(["pgvector", "upstash"]).default("pgvector"),
    UPSTASH_VECTOR_REST_URL: optionalUrl,
    UPSTASH_VECTOR_REST_TOKEN: optionalString,

    INNGEST_EVENT_KEY: optionalString,
    INNGEST_SIGNING_KEY: optionalString,

    KNOWLEDGE_ALLOW_PRIVATE_URLS: z.enum(["0", "1"]).optional(),
    // Per uploaded file or fetched page (README, "Knowledge-base limits"): a file past any
    // of them fails for good with the reason, and reading runs in a child process.
    INGEST_MAX_PAGES: z.coerce.number().int().min(1).default(3_000),
    INGEST_MAX_TEXT_CHARS: z.coerce.number().int().min(1_000).default(10_000_000),
    INGEST_MAX_CHUNKS: z.coerce.number().int().min(1).default(10_000),
    INGEST_MAX_INFLATED_MB: z.coerce.number().int().min(1).default(100),
    INGEST_EXTRACT_TIMEOUT_SECONDS: z.coerce.number().min(1).default(120),
    INGEST_EXTRACT_MEMORY_MB: z.coerce.number().int().min(128).default(512),
    /** Whole fetch of a URL source, redirects included (besides a 15 s idle timeout). */
    INGEST_FETCH_TIMEOUT_SECONDS: z.coerce.number().min(1).default(60),

    /** Demo tenants: seeded by default only on the embedded database; "true" opts in elsewhere. */
    SEED_DEMO: z.enum(["true", "false"]).optional(),

    RESEND_API_KEY: optionalString,
    SMTP_URL: optionalString,
    EMAIL_FROM: z.string().default("Support <support@localhost>"),
  })
  .superRefine((env, ctx) => {
    // The format only: whether the id names a known model is lib/ai's check (assertKnownChatModel).
    const localId = env.CHAT_MODEL.startsWith(LOCAL_CHAT_MODEL_PREFIX) ? env.CHAT_MODEL.slice(LOCAL_CHAT_MODEL_PREFIX.length) : undefined;
    if (localId !== undefined && !LOCAL_MODEL_ID.test(localId)) {
      ctx.addIssue({
        code: "custom",
        path: ["CHAT_MODEL"],
        message: `"${env.CHAT_MODEL}" is not local:<id> (the id: letters, digits, ".", "_", "-")`,
      });
    }
    if (env.AUTH_JWT_SECRET && RETIRED_SECRETS.has(env.AUTH_JWT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_JWT_SECRET"],
        message: "AUTH_JWT_SECRET is the old public development default; set a random secret of 32+ characters",
      });
    }
    // Every app process must verify what another signed, so production never invents one.
    if (env.NODE_ENV === "production" && !env.AUTH_JWT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_JWT_SECRET"],
        message: "AUTH_JWT_SECRET is required in production (32+ random characters, the same in every app process)",
      });
    }
    if (env.AUTH_MODE === "supabase" && (!env.NEXT_PUBLIC_SUPABASE_URL || !env.NEXT_PUBLIC_SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXT_PUBLIC_SUPABASE_URL"],
        message: "AUTH_MODE=supabase needs NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY",
      });
    }
    if (env.RATE_LIMIT_ADAPTER === "upstash" && (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_URL"],
        message: "RATE_LIMIT_ADAPTER=upstash needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN",
      });
    }
    if (env.CACHE_ADAPTER === "upstash" && (!env.UPSTASH_VECTOR_REST_URL || !env.UPSTASH_VECTOR_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_VECTOR_REST_URL"],
        message: "CACHE_ADAPTER=upstash needs UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN",
      });
    }
  });

type RawEnv = z.infer<typeof schema>;
export type Env = Omit<RawEnv, "AUTH_JWT_SECRET"> & {
  AUTH_MODE: "local" | "supabase";
  AUTH_JWT_SECRET: string;
  /** True when development made up a secret for this process (tokens die with it). */
  AUTH_JWT_SECRET_GENERATED: boolean;
  /** True when APP_URL was set: without it, pages take their own origin from the request (lib/app-origin.ts). */
  APP_URL_CONFIGURED: boolean;
};

function authModeOf(env: Pick<RawEnv, "AUTH_MODE" | "NEXT_PUBLIC_SUPABASE_URL">): "local" | "supabase" {
  return env.AUTH_MODE ?? (env.NEXT_PUBLIC_SUPABASE_URL ? "supabase" : "local");
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

function configurationError(issues: Array<{ setting: string; message: string }>): EnvError {
  return new EnvError(`Invalid configuration:\n${issues.map((i) => `  - ${i.setting}: ${i.message}`).join("\n")}`);
}

/** The error a domain's own check of a setting throws, worded as parseEnv words its own. */
export function invalidSetting(setting: keyof RawEnv, message: string): EnvError {
  return configurationError([{ setting, message }]);
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw configurationError(result.error.issues.map((issue) => ({ setting: issue.path.join(".") || "(env)", message: issue.message })));
  }
  const data = result.data;
  const generated = !data.AUTH_JWT_SECRET && data.NODE_ENV === "development";
  const secret = data.AUTH_JWT_SECRET ?? (generated ? randomBytes(48).toString("base64url") : TEST_SECRET);
  return {
    ...data,
    AUTH_MODE: authModeOf(data),
    AUTH_JWT_SECRET: secret,
    AUTH_JWT_SECRET_GENERATED: generated,
    APP_URL_CONFIGURED: source.APP_URL !== undefined,
  };
}

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    if (cached.AUTH_JWT_SECRET_GENERATED) {
      // Kept in the process environment so every bundle of this process signs alike.
      process.env.AUTH_JWT_SECRET = cached.AUTH_JWT_SECRET;
      console.warn(
        "[auth] AUTH_JWT_SECRET is not set: using a random secret for this development process. " +
          "Sessions and widget tokens end when it restarts; set AUTH_JWT_SECRET to keep them.",
      );
    }
  }
  return cached;
}

/**
 * True while `next build` prerenders (NEXT_PHASE, set by Next itself): the server does not
 * start then, so its settings are not validated (a build machine needs no secrets).
 */
export function isProductionBuild(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}

/** All a child process gets that must see no secret and no database address: PATH and NODE_ENV. */
export function bareChildEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NODE_ENV: process.env.NODE_ENV };
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnvForTests(): void {
  cached = undefined;
}
