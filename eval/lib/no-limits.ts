/** Benchmarks load one tenant from one address on purpose: the abuse limits stay out of the way. */
export const NO_CHAT_LIMITS = {
  CHAT_QUESTIONS_PER_MINUTE_PER_IP: "0",
  CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: "0",
  CHAT_SESSIONS_PER_HOUR_PER_IP: "0",
  CHAT_SESSIONS_PER_HOUR_PER_TENANT: "0",
};

/**
 * Many visitors of a few tenants (bench:load): the per-conversation and per-tenant limits
 * are still consumed in the shared store on every question and new conversation, as in
 * production, but set out of reach; the per-address ones are off, because every simulated
 * visitor comes from the load generator's one address.
 */
export const LOAD_TEST_LIMITS = {
  CHAT_RATE_LIMIT_PER_MINUTE: "1000000",
  CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: "1000000",
  CHAT_SESSIONS_PER_HOUR_PER_TENANT: "1000000",
  CHAT_QUESTIONS_PER_MINUTE_PER_IP: "0",
  CHAT_SESSIONS_PER_HOUR_PER_IP: "0",
};
