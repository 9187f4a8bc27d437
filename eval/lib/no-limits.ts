/** Benchmarks load one tenant from one address on purpose: the abuse limits stay out of the way. */
export const NO_CHAT_LIMITS = {
  CHAT_QUESTIONS_PER_MINUTE_PER_IP: "0",
  CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: "0",
  CHAT_SESSIONS_PER_HOUR_PER_IP: "0",
  CHAT_SESSIONS_PER_HOUR_PER_TENANT: "0",
};
