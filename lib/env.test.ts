import { describe, expect, it } from "vitest";
import { assertKnownChatModel } from "@/lib/ai/models/llm-manifest";
import { EnvError, parseEnv } from "@/lib/env";

describe("parseEnv", () => {
  it("gives safe local defaults with nothing set", () => {
    const env = parseEnv({});
    expect(env.AUTH_MODE).toBe("local");
    expect(env.CACHE_ADAPTER).toBe("pgvector");
    expect(env.DATABASE_POOL_MAX).toBe(10);
  });

  it("has the documented knowledge-base limits, and refuses unusable ones", () => {
    expect(parseEnv({})).toMatchObject({
      INGEST_MAX_PAGES: 3_000,
      INGEST_MAX_TEXT_CHARS: 10_000_000,
      INGEST_MAX_CHUNKS: 10_000,
      INGEST_MAX_INFLATED_MB: 100,
      INGEST_EXTRACT_TIMEOUT_SECONDS: 120,
      INGEST_EXTRACT_MEMORY_MB: 512,
      INGEST_FETCH_TIMEOUT_SECONDS: 60,
    });
    expect(() => parseEnv({ INGEST_EXTRACT_MEMORY_MB: "64" })).toThrow(/INGEST_EXTRACT_MEMORY_MB/);
    expect(() => parseEnv({ INGEST_MAX_PAGES: "0" })).toThrow(/INGEST_MAX_PAGES/);
    expect(() => parseEnv({ SEED_DEMO: "yes" })).toThrow(/SEED_DEMO/);
  });

  it("names the malformed setting", () => {
    expect(() => parseEnv({ DATABASE_POOL_MAX: "lots" })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => parseEnv({ APP_URL: "not a url" })).toThrow(/APP_URL/);
    expect(() => parseEnv({ AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET must be at least 32/);
  });

  it("requires a configured secret in production, whatever the auth mode", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET is required in production/);
    const supabase = { NEXT_PUBLIC_SUPABASE_URL: "https://x.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "key" };
    expect(() => parseEnv({ NODE_ENV: "production", ...supabase })).toThrow(/AUTH_JWT_SECRET is required/);
    expect(parseEnv({ NODE_ENV: "production", AUTH_JWT_SECRET: "a".repeat(40) }).AUTH_JWT_SECRET).toBe("a".repeat(40));
  });

  it("refuses the old public development constant in every mode", () => {
    for (const NODE_ENV of ["development", "production", "test"]) {
      expect(() => parseEnv({ NODE_ENV, AUTH_JWT_SECRET: "dev-only-secret-change-me-dev-only-secret" })).toThrow(
        /old public development default/,
      );
    }
  });

  it("makes up a random secret per development process and keeps a fixed one only for tests", () => {
    const first = parseEnv({ NODE_ENV: "development" });
    const second = parseEnv({ NODE_ENV: "development" });
    expect(first.AUTH_JWT_SECRET_GENERATED).toBe(true);
    expect(first.AUTH_JWT_SECRET).toHaveLength(64);
    expect(first.AUTH_JWT_SECRET).not.toBe(second.AUTH_JWT_SECRET);
    expect(parseEnv({ NODE_ENV: "test" }).AUTH_JWT_SECRET).toBe(parseEnv({ NODE_ENV: "test" }).AUTH_JWT_SECRET);
    expect(parseEnv({ NODE_ENV: "test" }).AUTH_JWT_SECRET_GENERATED).toBe(false);
  });

  it("switches to Supabase auth when a project is configured, and requires its key", () => {
    expect(() => parseEnv({ AUTH_MODE: "supabase" })).toThrow(/NEXT_PUBLIC_SUPABASE_URL/);
    const env = parseEnv({ NEXT_PUBLIC_SUPABASE_URL: "https://x.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "key" });
    expect(env.AUTH_MODE).toBe("supabase");
  });

  it("requires Upstash credentials for the Upstash cache", () => {
    expect(() => parseEnv({ CACHE_ADAPTER: "upstash" })).toThrow(/UPSTASH_VECTOR_REST_URL/);
  });

  it("checks the form of a local CHAT_MODEL, and the start-up check names the known local LLMs", () => {
    expect(parseEnv({ CHAT_MODEL: "local:qwen2.5-coder-1.5b-instruct-q4_k_m" }).CHAT_MODEL).toBe("local:qwen2.5-coder-1.5b-instruct-q4_k_m");
    expect(() => parseEnv({ CHAT_MODEL: "local:" })).toThrow(/CHAT_MODEL: "local:" is not local:<id>/);
    expect(() => parseEnv({ CHAT_MODEL: "local:../llama" })).toThrow(/CHAT_MODEL/);
    expect(parseEnv({ CHAT_MODEL: "llama3.1:8b" }).CHAT_MODEL).toBe("llama3.1:8b");
    // Which ids exist is lib/ai's knowledge: instrumentation.ts (and `npm start`) run this check at start-up.
    const { CHAT_MODEL } = parseEnv({ CHAT_MODEL: "local:llama-70b" });
    expect(() => assertKnownChatModel(CHAT_MODEL)).toThrow(EnvError);
    expect(() => assertKnownChatModel(CHAT_MODEL)).toThrow(/CHAT_MODEL: unknown local model "llama-70b"; known: local:qwen2.5-coder/);
    expect(() => assertKnownChatModel("local:qwen2.5-coder-1.5b-instruct-q4_k_m")).not.toThrow();
    expect(() => assertKnownChatModel("gpt-4o-mini")).not.toThrow();
  });

  it("tells whether APP_URL was set (pages then take their origin from it, not from the request)", () => {
    expect(parseEnv({}).APP_URL_CONFIGURED).toBe(false);
    expect(parseEnv({ APP_URL: "https://support.example.com" })).toMatchObject({ APP_URL: "https://support.example.com", APP_URL_CONFIGURED: true });
  });
});
