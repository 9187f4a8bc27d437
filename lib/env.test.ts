import { describe, expect, it } from "vitest";
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

  it("refuses the development secret in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET is the development default/);
    expect(parseEnv({ NODE_ENV: "production", AUTH_JWT_SECRET: "a".repeat(40) }).NODE_ENV).toBe("production");
  });

  it("switches to Supabase auth when a project is configured, and requires its key", () => {
    expect(() => parseEnv({ AUTH_MODE: "supabase" })).toThrow(/NEXT_PUBLIC_SUPABASE_URL/);
    const env = parseEnv({ NEXT_PUBLIC_SUPABASE_URL: "https://x.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "key" });
    expect(env.AUTH_MODE).toBe("supabase");
  });

  it("requires Upstash credentials for the Upstash cache", () => {
    expect(() => parseEnv({ CACHE_ADAPTER: "upstash" })).toThrow(/UPSTASH_VECTOR_REST_URL/);
  });
});
