import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { LimitRule, RateLimiter } from "./port";
import { createPostgresLimiter } from "./postgres";
import { createUpstashLimiter } from "./upstash";

export type { LimitRule, LimitVerdict, RateLimiter } from "./port";

let limiter: RateLimiter | undefined;
let override: RateLimiter | undefined;

/** The configured store: Upstash Redis when RATE_LIMIT_ADAPTER=upstash, else PostgreSQL. */
export function getRateLimiter(): RateLimiter {
  if (override) return override;
  if (!limiter) {
    const { RATE_LIMIT_ADAPTER, UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN } = env();
    limiter =
      RATE_LIMIT_ADAPTER === "upstash"
        ? createUpstashLimiter({ url: UPSTASH_REDIS_REST_URL!, token: UPSTASH_REDIS_REST_TOKEN! })
        : createPostgresLimiter();
  }
  return limiter;
}

/** Tests swap the store here (the Upstash adapter against a local stand-in). */
export function setRateLimiterForTests(next: RateLimiter | undefined): void {
  override = next;
  limiter = undefined;
}

/** Consumes from every rule whose limit is on (0 = off); 429 with Retry-After otherwise. */
export async function enforceLimits(rules: LimitRule[], cost = 1): Promise<void> {
  const active = rules.filter((r) => r.limit > 0);
  const verdict = await getRateLimiter().consume(active, cost);
  if (!verdict.allowed) {
    throw new AppError("rate_limited", verdict.rule.message, { retryAfterSeconds: verdict.retryAfterSeconds });
  }
}
