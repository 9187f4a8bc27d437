import "server-only";
import { randomUUID } from "node:crypto";
import type { RequestClaims } from "@/lib/db/claims";
import { signClaims, STAFF_SESSION_SECONDS } from "@/lib/auth/jwt";
import { withSignInRole, withTenant } from "@/lib/db/tenant";

/**
 * A self-hosted staff session: a row (app.staff_sessions) named by the token's jti, so
 * sign-out and a password change end it at once instead of when the token expires.
 */
export async function issueStaffToken(claims: RequestClaims): Promise<string> {
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + STAFF_SESSION_SECONDS * 1000);
  await withSignInRole((tx) =>
    tx.query("select app.start_staff_session($1, $2, $3, $4)", [id, claims.sub, claims.app_metadata.tenant_id, expiresAt]),
  );
  return signClaims(claims, "staff", { jti: id });
}

/** Ends one session of the caller's own (sign-out). */
export async function revokeStaffSession(claims: RequestClaims, sessionId: string): Promise<void> {
  await withTenant(claims, (tx) => tx.query("select app.revoke_staff_sessions($1, false)", [sessionId]));
}
