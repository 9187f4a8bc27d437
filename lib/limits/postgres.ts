import "server-only";
import { withAnonymous } from "@/lib/db/tenant";
import type { LimitRule, LimitVerdict, RateLimiter } from "./port";

/**
 * Counters in app.rate_limits, changed only by app.consume_rate_limits: one atomic
 * statement per request (no count-then-insert race), all rules or none.
 */
export function createPostgresLimiter(): RateLimiter {
  return {
    async consume(rules: LimitRule[], cost = 1): Promise<LimitVerdict> {
      if (rules.length === 0) return { allowed: true };
      const { rows } = await withAnonymous((tx) =>
        tx.query<{ allowed: boolean; denied_key: string | null; retry_after_seconds: number | null }>(
          "select * from app.consume_rate_limits($1::text[], $2::bigint[], $3::integer[], $4)",
          [rules.map((r) => r.key), rules.map((r) => r.limit), rules.map((r) => r.windowSeconds), cost],
        ),
      );
      const verdict = rows[0];
      if (verdict.allowed) return { allowed: true };
      const rule = rules.find((r) => r.key === verdict.denied_key) ?? rules[0];
      return { allowed: false, rule, retryAfterSeconds: verdict.retry_after_seconds ?? rule.windowSeconds };
    },
  };
}
