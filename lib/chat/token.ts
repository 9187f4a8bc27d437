import "server-only";
import { visitorClaims, type RequestClaims } from "@/lib/db/claims";
import { signClaims, verifyToken } from "@/lib/auth/jwt";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** A widget visitor: anon claims bound to one conversation of one tenant. */
export interface VisitorSession {
  claims: RequestClaims;
  tenantId: string;
  conversationId: string;
  /** When the visitor's first token was issued (seconds): renewals keep it. */
  sessionStartedAt?: number;
}

/**
 * A widget token lives 30 days and is renewed when the visitor returns, but never past
 * WIDGET_SESSION_MAX_DAYS from the first one: a leaked token does not stay useful forever.
 */
export function issueConversationToken(tenantId: string, conversationId: string, sessionStartedAt?: number): Promise<string> {
  return signClaims(visitorClaims({ tenantId, conversationId }), "widget", { sessionStartedAt });
}

/** Verifies a conversation token (signature, audience, expiry) and what it must carry. */
export async function readConversationToken(token: string | null | undefined): Promise<VisitorSession> {
  if (!token) throw new AppError("unauthorized", "A conversation token is required; start a session first.");
  const { claims, sessionStartedAt } = await verifyToken(token, "widget");
  const conversationId = claims.app_metadata.conversation_id;
  if (claims.role !== "anon" || !conversationId) {
    throw new AppError("unauthorized", "The conversation token is not bound to a conversation.");
  }
  if (Date.now() / 1000 - sessionStartedAt > env().WIDGET_SESSION_MAX_DAYS * 86_400) {
    throw new AppError("unauthorized", "This conversation's session has ended; start a new conversation.");
  }
  return { claims, tenantId: claims.app_metadata.tenant_id, conversationId, sessionStartedAt };
}
