import "server-only";
import { env } from "@/lib/env";
import type { LimitRule } from "./port";

const known = (ip: string) => ip !== "unknown";

/** A visitor's question: per conversation, per client address, per tenant (per minute). */
export function questionRules(input: { tenantId: string; conversationId: string; ip: string }): LimitRule[] {
  const e = env();
  const rules: LimitRule[] = [
    {
      key: `q:conv:${input.conversationId}`,
      limit: e.CHAT_RATE_LIMIT_PER_MINUTE,
      windowSeconds: 60,
      message: "You are sending messages too quickly. Please wait a minute and try again.",
    },
  ];
  if (known(input.ip)) {
    rules.push({
      key: `q:ip:${input.ip}`,
      limit: e.CHAT_QUESTIONS_PER_MINUTE_PER_IP,
      windowSeconds: 60,
      message: "Too many messages from your network. Please wait a minute and try again.",
    });
  }
  rules.push({
    key: `q:tenant:${input.tenantId}`,
    limit: e.CHAT_QUESTIONS_PER_MINUTE_PER_TENANT,
    windowSeconds: 60,
    message: "This support chat is very busy right now. Please try again in a minute.",
  });
  return rules;
}

/** A new widget conversation: per client address and per tenant (per hour). */
export function sessionRules(input: { tenantId: string; ip: string }): LimitRule[] {
  const e = env();
  const rules: LimitRule[] = [];
  if (known(input.ip)) {
    rules.push({
      key: `s:ip:${input.ip}`,
      limit: e.CHAT_SESSIONS_PER_HOUR_PER_IP,
      windowSeconds: 3600,
      message: "Too many new conversations from your network. Please try again later.",
    });
  }
  rules.push({
    key: `s:tenant:${input.tenantId}`,
    limit: e.CHAT_SESSIONS_PER_HOUR_PER_TENANT,
    windowSeconds: 3600,
    message: "This support chat is very busy right now. Please try again later.",
  });
  return rules;
}
