import "server-only";
import pg from "pg";
import { queryAsAnonymous } from "@/lib/db/tenant";
import type { LimitRule, LimitVerdict, RateLimiter } from "./port";

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`A rate limit needs whole numbers, not ${n}.`);
  return String(n);
}

/**
 * Counters in app.rate_limits, changed only by app.consume_rate_limits: one atomic
 * statement per request (no count-then-insert race), all rules or none.
 */
export function createPostgresLimiter(): RateLimiter {
  return {
    async consume(rules: LimitRule[], cost = 1): Promise<LimitVerdict> {
      if (rules.length === 0) return { allowed: true };
      // One round trip (lib/db/tenant.ts), so the values go as checked literals.
      const keys = rules.map((r) => pg.escapeLiteral(r.key)).join(", ");
      const limits = rules.map((r) => integer(r.limit)).join(", ");
      const windows = rules.map((r) => integer(r.windowSeconds)).join(", ");
      const rows = await queryAsAnonymous<{ allowed: boolean; denied_key: string | null; retry_after_seconds: number | null }>(
        `select * from app.consume_rate_limits(array[${keys}]::text[], array[${limits}]::bigint[], array[${windows}]::integer[], ${integer(cost)})`,
      );
      const verdict = rows[0];
      if (verdict.allowed) return { allowed: true };
      const rule = rules.find((r) => r.key === verdict.denied_key) ?? rules[0];
      return { allowed: false, rule, retryAfterSeconds: verdict.retry_after_seconds ?? rule.windowSeconds };
    },
  };
}
