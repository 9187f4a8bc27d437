/** One limit: at most `limit` units per `windowSeconds` for `key` (fixed windows). */
export interface LimitRule {
  key: string;
  limit: number;
  windowSeconds: number;
  /** What the caller is told when this rule refuses. */
  message: string;
}

export type LimitVerdict = { allowed: true } | { allowed: false; rule: LimitRule; retryAfterSeconds: number };

/**
 * The store behind every abuse and cost limit: PostgreSQL locally, Upstash Redis when
 * deployed. Never process memory: several app processes share one allowance.
 */
export interface RateLimiter {
  /** Takes `cost` units from every rule, narrowest first; refuses at the first rule out of room. */
  consume(rules: LimitRule[], cost?: number): Promise<LimitVerdict>;
}
