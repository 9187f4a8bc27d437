import "server-only";
import { visitorClaims, type RequestClaims } from "@/lib/auth/claims";
import { signClaims, verifyClaims } from "@/lib/auth/jwt";
import { AppError } from "@/lib/errors";

/** A widget visitor: anon claims bound to one conversation of one tenant. */
export interface VisitorSession {
  claims: RequestClaims;
  tenantId: string;
  conversationId: string;
}

export function issueConversationToken(tenantId: string, conversationId: string): Promise<string> {
  return signClaims(visitorClaims({ tenantId, conversationId }), "widget");
}

/** Verifies a conversation token (signature, audience, expiry) and what it must carry. */
export async function readConversationToken(token: string | null | undefined): Promise<VisitorSession> {
  if (!token) throw new AppError("unauthorized", "A conversation token is required; start a session first.");
  const claims = await verifyClaims(token, "widget");
  const conversationId = claims.app_metadata.conversation_id;
  if (claims.role !== "anon" || !conversationId) {
    throw new AppError("unauthorized", "The conversation token is not bound to a conversation.");
  }
  return { claims, tenantId: claims.app_metadata.tenant_id, conversationId };
}

/** The token from `Authorization: Bearer`, else the `token` query parameter (EventSource cannot set headers). */
export function tokenFromRequest(request: Request): string | null {
  const header = request.headers.get("authorization");
  const bearer = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() : undefined;
  return bearer || new URL(request.url).searchParams.get("token");
}
