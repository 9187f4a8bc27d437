import "server-only";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import type { LimitRule, LimitVerdict, RateLimiter } from "./port";

/**
 * The deployed adapter: @upstash/ratelimit fixed windows in Upstash Redis, the same
 * semantics as the PostgreSQL counters. Rules are consumed narrowest first; a refusal
 * by a wider rule leaves the narrower ones counted (Redis has no cross-key rollback here).
 * No in-process cache of refusals (ephemeralCache off): every process asks Redis.
 */
export function createUpstashLimiter(options: { url: string; token: string; prefix?: string }): RateLimiter {
  const redis = new Redis({ url: options.url, token: options.token, enableTelemetry: false });
  const limiters = new Map<string, Ratelimit>();
  const limiterFor = (rule: LimitRule) => {
    const id = `${rule.limit}/${rule.windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis,
        limiter: Ratelimit.fixedWindow(rule.limit, `${rule.windowSeconds} s`),
        prefix: options.prefix ?? "support-limits",
        ephemeralCache: false,
        analytics: false,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };

  return {
    async consume(rules: LimitRule[], cost = 1): Promise<LimitVerdict> {
      for (const rule of rules) {
        const result = await limiterFor(rule).limit(rule.key, { rate: cost });
        if (!result.success) {
          return { allowed: false, rule, retryAfterSeconds: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)) };
        }
      }
      return { allowed: true };
    },
  };
}
