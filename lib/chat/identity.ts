import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface VisitorIdentity {
  userId: string;
  userHash: string;
}

/**
 * The tenant's identity secret, derived from the server's secret (nothing to store, and
 * so nothing a visitor's role could ever read): HMAC-SHA256 of the tenant id. The
 * tenant's server signs its user ids with it; the Control Center shows it to admins.
 */
export function identitySecretFor(tenantId: string): string {
  return createHmac("sha256", env().AUTH_JWT_SECRET).update(`visitor-identity:${tenantId}`).digest("hex");
}

/** What the tenant's server computes: hex HMAC-SHA256 of the user id with the secret. */
export function signUserId(tenantId: string, userId: string): string {
  return createHmac("sha256", identitySecretFor(tenantId)).update(userId).digest("hex");
}

/**
 * Accepts a user id only with its signature. A signature that does not verify is
 * refused without saying why (wrong secret, wrong id, malformed: all look the same).
 */
export function verifyIdentity(tenantId: string, identity: VisitorIdentity): string {
  const expected = Buffer.from(signUserId(tenantId, identity.userId), "hex");
  const given = Buffer.from(/^[0-9a-f]{64}$/i.test(identity.userHash) ? identity.userHash : "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("unauthorized", "The visitor's identity could not be verified.");
  }
  return identity.userId;
}

/**
 * The verified user's conversation: their latest one, else the anonymous conversation
 * they are in now (it becomes theirs), else none. Runs for the tenant (system claims):
 * a visitor's own role sees only one conversation, and may not claim one for a user.
 */
export async function conversationOfUser(tenantId: string, userId: string, current: string | null): Promise<string | null> {
  return withTenant(systemClaims(tenantId), async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      "select id from public.conversations where external_user_id = $1 order by last_message_at desc limit 1",
      [userId],
    );
    if (rows[0]) return rows[0].id;
    if (!current) return null;
    const adopted = await tx.query<{ id: string }>(
      "update public.conversations set external_user_id = $2 where id = $1 and external_user_id is null returning id",
      [current, userId],
    );
    return adopted.rows[0]?.id ?? null;
  });
}

/** A new conversation of a verified user is marked as theirs. */
export async function assignConversationToUser(tenantId: string, conversationId: string, userId: string): Promise<void> {
  await withTenant(systemClaims(tenantId), (tx) =>
    tx.query("update public.conversations set external_user_id = $2 where id = $1", [conversationId, userId]),
  );
}
