import { z } from "zod";

/**
 * Every setting the app reads, validated once. A missing or malformed value fails at
 * start-up with a message naming it, instead of surfacing later as a confusing error.
 */
const DEV_SECRET = "dev-only-secret-change-me-dev-only-secret";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.string().url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional());

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    APP_URL: z.string().url().default("http://localhost:3000"),
    DATA_DIR: z.string().default(".data"),

    DATABASE_URL: optionalString,
    DATABASE_ADMIN_URL: optionalString,
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

    AUTH_MODE: z.enum(["local", "supabase"]).optional(),
    AUTH_JWT_SECRET: z.string().min(32, "AUTH_JWT_SECRET must be at least 32 characters").default(DEV_SECRET),
    NEXT_PUBLIC_SUPABASE_URL: optionalUrl,
    NEXT_PUBLIC_SUPABASE_ANON_KEY: optionalString,

    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    CHAT_MODEL: z.string().default("gpt-4o-mini"),
    EMBEDDING_MODEL: z.string().default("text-embedding-3-small"),
    MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** Questions one conversation may send per minute; 0 turns the limit off (load tests). */
    CHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
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
    if (env.NODE_ENV === "production" && env.AUTH_JWT_SECRET === DEV_SECRET && authModeOf(env) === "local") {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_JWT_SECRET"],
        message: "AUTH_JWT_SECRET is the development default; set a random secret of 32+ characters in production",
      });
    }
    if (env.AUTH_MODE === "supabase" && (!env.NEXT_PUBLIC_SUPABASE_URL || !env.NEXT_PUBLIC_SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXT_PUBLIC_SUPABASE_URL"],
        message: "AUTH_MODE=supabase needs NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY",
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
export type Env = RawEnv & { AUTH_MODE: "local" | "supabase" };

function authModeOf(env: Pick<RawEnv, "AUTH_MODE" | "NEXT_PUBLIC_SUPABASE_URL">): "local" | "supabase" {
  return env.AUTH_MODE ?? (env.NEXT_PUBLIC_SUPABASE_URL ? "supabase" : "local");
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...result.data, AUTH_MODE: authModeOf(result.data) };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnvForTests(): void {
  cached = undefined;
}
