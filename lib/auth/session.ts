import "server-only";
import { cookies } from "next/headers";
import type { RequestClaims, StaffRole } from "@/lib/db/claims";
import { parseClaims, verifyToken } from "@/lib/auth/jwt";
import { createSupabaseServerClient, createSupabaseTokenClient } from "@/lib/auth/supabase";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { bearerToken } from "@/lib/http";

export const SESSION_COOKIE = "sp_session";

export interface StaffSession {
  /** The self-hosted session (null with Supabase Auth, whose sessions Supabase keeps). */
  sessionId: string | null;
  userId: string;
  tenantId: string;
  role: StaffRole;
  email: string;
  displayName: string | null;
  claims: RequestClaims;
}

/**
 * Verified claims of the signed-in staff member (with the self-hosted session's id), or
 * null when nobody is signed in.
 */
export async function readStaffClaims(request?: Request): Promise<{ claims: RequestClaims; sessionId: string | null } | null> {
  const bearer = request ? bearerToken(request.headers) : null;
  if (env().AUTH_MODE === "supabase") {
    // getClaims() verifies the JWT signature (against the project's keys); getSession() would not.
    const { data, error } = bearer
      ? await createSupabaseTokenClient().auth.getClaims(bearer)
      : await (await createSupabaseServerClient()).auth.getClaims();
    if (error || !data?.claims) return null;
    return { claims: parseClaims(data.claims as unknown as Record<string, unknown>), sessionId: null };
  }
  const token = bearer ?? (request ? cookieFrom(request, SESSION_COOKIE) : (await cookies()).get(SESSION_COOKIE)?.value);
  if (!token) return null;
  const verified = await verifyToken(token, "staff");
  // Self-hosted tokens name their session; one without is not ours to honour.
  if (!verified.jti) throw new AppError("unauthorized", "The credentials are invalid.");
  return { claims: verified.claims, sessionId: verified.jti };
}

function cookieFrom(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/**
 * Authenticates and authorises a staff member. The token alone is not trusted for
 * membership: it can outlive a removed membership or a changed role, so the membership
 * is re-read from the database under RLS, and the database's role wins.
 */
export async function requireStaff(request?: Request, roles?: readonly StaffRole[]): Promise<StaffSession> {
  const read = await readStaffClaims(request);
  const claims = read?.claims;
  if (!read || !claims || claims.role !== "authenticated" || !claims.sub) {
    throw new AppError("unauthorized", "Sign in to continue.");
  }
  // Membership and (self-hosted) session in one statement: a revoked session ends here.
  const membership = await withTenant(claims, async (tx) => {
    const { rows } = await tx.query<{ role: StaffRole; email: string; display_name: string | null; active: boolean }>(
      "select role, email, display_name, ($1::uuid is null or app.staff_session_active($1::uuid)) as active from public.users where id = auth.uid()",
      [read.sessionId],
    );
    return rows[0];
  });
  if (!membership) throw new AppError("unauthorized", "Your account is no longer a member of this workspace.");
  if (!membership.active) throw new AppError("unauthorized", "Your session has ended; sign in again.");
  if (roles && !roles.includes(membership.role)) {
    throw new AppError("forbidden", `This needs the ${roles.join(" or ")} role; you are ${membership.role}.`);
  }
  const sessionClaims: RequestClaims = {
    ...claims,
    app_metadata: { ...claims.app_metadata, staff_role: membership.role },
  };
  return {
    sessionId: read.sessionId,
    userId: claims.sub,
    tenantId: claims.app_metadata.tenant_id,
    role: membership.role,
    email: membership.email,
    displayName: membership.display_name,
    claims: sessionClaims,
  };
}

/** Like requireStaff, but null instead of an error when nobody is signed in (pages). */
export async function getStaffSession(): Promise<StaffSession | null> {
  try {
    return await requireStaff();
  } catch (error) {
    if (error instanceof AppError && (error.code === "unauthorized" || error.code === "forbidden")) return null;
    throw error;
  }
}
