import "server-only";
import { cookies } from "next/headers";
import type { RequestClaims, StaffRole } from "@/lib/auth/claims";
import { verifyClaims, parseClaims } from "@/lib/auth/jwt";
import { createSupabaseServerClient } from "@/lib/auth/supabase";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const SESSION_COOKIE = "sp_session";

export interface StaffSession {
  userId: string;
  tenantId: string;
  role: StaffRole;
  email: string;
  displayName: string | null;
  claims: RequestClaims;
}

function bearerToken(request?: Request): string | null {
  const header = request?.headers.get("authorization");
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match ? match[1].trim() : null;
}

/** Verified claims of the signed-in staff member, or null when nobody is signed in. */
async function readStaffClaims(request?: Request): Promise<RequestClaims | null> {
  const bearer = bearerToken(request);
  if (env().AUTH_MODE === "supabase") {
    const supabase = await createSupabaseServerClient();
    // getClaims() verifies the JWT signature (against the project's keys); getSession() would not.
    const { data, error } = bearer ? await supabase.auth.getClaims(bearer) : await supabase.auth.getClaims();
    if (error || !data?.claims) return null;
    return parseClaims(data.claims as unknown as Record<string, unknown>);
  }
  const token = bearer ?? (request ? cookieFrom(request, SESSION_COOKIE) : (await cookies()).get(SESSION_COOKIE)?.value);
  return token ? verifyClaims(token, "staff") : null;
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
  const claims = await readStaffClaims(request);
  if (!claims || claims.role !== "authenticated" || !claims.sub) {
    throw new AppError("unauthorized", "Sign in to continue.");
  }
  const membership = await withTenant(claims, async (tx) => {
    const { rows } = await tx.query<{ role: StaffRole; email: string; display_name: string | null }>(
      "select role, email, display_name from public.users where id = auth.uid()",
    );
    return rows[0];
  });
  if (!membership) throw new AppError("unauthorized", "Your account is no longer a member of this workspace.");
  if (roles && !roles.includes(membership.role)) {
    throw new AppError("forbidden", `This needs the ${roles.join(" or ")} role; you are ${membership.role}.`);
  }
  const sessionClaims: RequestClaims = {
    ...claims,
    app_metadata: { ...claims.app_metadata, staff_role: membership.role },
  };
  return {
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
