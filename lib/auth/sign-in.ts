import "server-only";
import { cookies } from "next/headers";
import { staffClaims, type RequestClaims, type StaffRole } from "@/lib/db/claims";
import { STAFF_SESSION_SECONDS } from "@/lib/auth/jwt";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { readStaffClaims, SESSION_COOKIE } from "@/lib/auth/session";
import { issueStaffToken, revokeStaffSession } from "@/lib/auth/staff-session";
import { createSupabaseServerClient, createSupabaseTokenClient } from "@/lib/auth/supabase";
import { withSignInRole } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";

const INVALID = "The email or password is incorrect.";
let dummyHash: Promise<string> | undefined;

/**
 * Signs a staff member in and sets the session cookie, behind the shared throttle (per
 * account and per address, in the database, so every app process sees every failure).
 * Self-hosted mode checks the argon2id hash itself; Supabase mode delegates to Supabase
 * Auth. The same message for an unknown address and a wrong password, and a hash check
 * either way, so neither the answer nor its timing tells which addresses exist.
 */
export async function signInWithPassword(
  email: string,
  password: string,
  client: { ip: string; tokensOnly?: boolean },
): Promise<{ token: string | null; refreshToken?: string }> {
  return throttledSignIn(email, client.ip, async () => {
    if (env().AUTH_MODE === "supabase") {
      // The Control Center keeps the session in cookies; an API client (tokensOnly) gets the tokens.
      const supabase = client.tokensOnly ? createSupabaseTokenClient() : await createSupabaseServerClient();
      const { data, error } = await supabase.auth.signInWithPassword({ email, password });
      if (error || !data.session) throw new AppError("unauthorized", INVALID);
      return { token: data.session.access_token, refreshToken: data.session.refresh_token };
    }
    const token = await issueStaffToken(await verifyLocalCredentials(email, password));
    (await cookies()).set(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: "lax",
      secure: env().APP_URL.startsWith("https://"),
      path: "/",
      maxAge: STAFF_SESSION_SECONDS,
    });
    return { token };
  });
}

/**
 * Refuses (429 with the wait) while the account or the address is backing off, without
 * computing a hash; otherwise runs the attempt, then records and audits its outcome.
 */
export async function throttledSignIn<T>(email: string, ip: string, attempt: () => Promise<T>): Promise<T> {
  const key = email.trim().toLowerCase();
  const wait = await withSignInRole(async (tx) => {
    const { rows } = await tx.query<{ wait: number }>("select app.begin_sign_in($1, $2) as wait", [key, ip]);
    return rows[0].wait;
  });
  if (wait > 0) {
    await finishSignIn(key, ip, false, "throttled");
    throw new AppError("rate_limited", `Too many failed sign-ins. Try again in ${formatWait(wait)}.`, { retryAfterSeconds: wait });
  }
  try {
    const result = await attempt();
    await finishSignIn(key, ip, true, null);
    return result;
  } catch (error) {
    const reason = isAppError(error) && error.code === "unauthorized" ? "invalid_credentials" : "error";
    await finishSignIn(key, ip, false, reason).catch(() => undefined);
    throw error;
  }
}

function finishSignIn(email: string, ip: string, succeeded: boolean, reason: string | null): Promise<void> {
  return withSignInRole(async (tx) => {
    await tx.query("select app.finish_sign_in($1, $2, $3, $4)", [email, ip, succeeded, reason]);
  });
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
}

/** Self-hosted mode: the staff claims for a correct email and password, else 401. */
export async function verifyLocalCredentials(email: string, password: string): Promise<RequestClaims> {
  const credential = await withSignInRole(async (tx) => {
    const { rows } = await tx.query<{ user_id: string; tenant_id: string; role: StaffRole; email: string; password_hash: string | null }>(
      "select * from app.local_credentials($1)",
      [email.trim()],
    );
    return rows[0];
  });
  dummyHash ??= hashPassword("timing-equaliser-not-a-password");
  const ok = await verifyPassword(credential?.password_hash ?? (await dummyHash), password);
  if (!credential || !ok) throw new AppError("unauthorized", INVALID);
  return staffClaims({ userId: credential.user_id, tenantId: credential.tenant_id, role: credential.role, email: credential.email });
}

/** Ends the caller's self-hosted session (the bearer token's, else the cookie's). */
export async function endStaffSession(request?: Request): Promise<void> {
  const current = await readStaffClaims(request).catch(() => null);
  if (current?.sessionId) await revokeStaffSession(current.claims, current.sessionId);
}

/** Signs out (Control Center form): the session ends and the cookie goes. */
export async function signOut(): Promise<void> {
  if (env().AUTH_MODE === "supabase") {
    const supabase = await createSupabaseServerClient();
    await supabase.auth.signOut();
    return;
  }
  await endStaffSession();
  (await cookies()).delete(SESSION_COOKIE);
}
