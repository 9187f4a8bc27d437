import "server-only";
import { randomUUID } from "node:crypto";
import { visitorClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { enforceLimits } from "@/lib/limits";
import { sessionRules } from "@/lib/limits/chat-rules";
import type { PublicBranding } from "@/lib/tenants/branding";
import { isEmbeddingOriginAllowed } from "@/lib/tenants/embedding-origins";
import { createConversation, getConversation } from "./conversations";
import { assignConversationToUser, conversationOfUser, verifyIdentity, type VisitorIdentity } from "./identity";
import { issueConversationToken, readConversationToken } from "./token";
import { findTenantByWidgetKey } from "@/lib/tenants/public";

export interface WidgetSession {
  token: string;
  conversationId: string;
  resumed: boolean;
  /** The tenant's public branding (lib/tenants/branding.ts); `greeting` repeats the branding's. */
  tenant: { name: string; branding: PublicBranding; greeting: string };
}

/**
 * Opens the widget's session: the public widget key names the tenant; a still-valid
 * token of that tenant resumes its conversation, anything else starts a new one. With
 * a verified identity (identity.ts) the user's own conversation is resumed on any
 * device; a token of someone else's conversation is not.
 */
export async function startWidgetSession(
  widgetKey: string,
  token?: string | null,
  identity?: VisitorIdentity | null,
  client: { ip: string; origin: string | null } = { ip: "unknown", origin: null },
): Promise<WidgetSession> {
  const tenant = await findTenantByWidgetKey(widgetKey);
  if (!tenant) throw new AppError("not_found", "Unknown widget key.");
  if (!isEmbeddingOriginAllowed(tenant.allowedOrigins, client.origin, new URL(env().APP_URL).origin)) {
    throw new AppError("forbidden", "This widget may not be used on this site.");
  }
  const face = { name: tenant.name, branding: tenant.branding, greeting: tenant.branding.greeting };

  const userId = identity ? verifyIdentity(tenant.id, identity) : null;
  const existing = token ? await resumableConversation(token, tenant.id) : null;
  if (userId) {
    const own = await conversationOfUser(tenant.id, userId, existing?.conversationId ?? null);
    if (own) return { token: await issueConversationToken(tenant.id, own), conversationId: own, resumed: true, tenant: face };
  } else if (existing) {
    return { token: existing.token, conversationId: existing.conversationId, resumed: true, tenant: face };
  }

  await enforceLimits(sessionRules({ tenantId: tenant.id, ip: client.ip }));
  const conversationId = randomUUID();
  await withTenant(visitorClaims({ tenantId: tenant.id, conversationId }), (tx) =>
    createConversation(tx, { id: conversationId, tenantId: tenant.id }),
  );
  if (userId) await assignConversationToUser(tenant.id, conversationId, userId);
  return { token: await issueConversationToken(tenant.id, conversationId), conversationId, resumed: false, tenant: face };
}

/** The token's conversation if the token is valid, of this tenant, and the conversation still exists. */
async function resumableConversation(token: string, tenantId: string): Promise<{ token: string; conversationId: string } | null> {
  try {
    const visitor = await readConversationToken(token);
    if (visitor.tenantId !== tenantId) return null;
    const conversation = await withTenant(visitor.claims, (tx) => getConversation(tx, visitor.conversationId));
    // A fresh token extends the returning visitor's session, up to its absolute limit.
    return conversation
      ? { token: await issueConversationToken(tenantId, conversation.id, visitor.sessionStartedAt), conversationId: conversation.id }
      : null;
  } catch (error) {
    if (isAppError(error) && error.status === 401) return null;
    throw error;
  }
}
