import "server-only";
import { cookies } from "next/headers";
import { staffClaims, type RequestClaims, type StaffRole } from "@/lib/auth/claims";
import { signClaims } from "@/lib/auth/jwt";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { createSupabaseServerClient } from "@/lib/auth/supabase";
import { withAnonymous } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const INVALID = "The email or password is incorrect.";
let dummyHash: Promise<string> | undefined;

/**
 * Signs a staff member in and sets the session cookie. Self-hosted mode checks the
 * argon2id hash itself; Supabase mode delegates to Supabase Auth. The same message for
 * an unknown address and a wrong password, and a hash check either way, so neither
 * the answer nor its timing tells which addresses exist.
 */
export async function signInWithPassword(email: string, password: string): Promise<{ token: string | null }> {
  if (env().AUTH_MODE === "supabase") {
    const supabase = await createSupabaseServerClient();
    const { data, error } = await supabase.auth.signInWithPassword({ email, password });
    if (error || !data.session) throw new AppError("unauthorized", INVALID);
    return { token: data.session.access_token };
  }

  const token = await signClaims(await verifyLocalCredentials(email, password), "staff");
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().APP_URL.startsWith("https://"),
    path: "/",
    maxAge: 12 * 60 * 60,
  });
  return { token };
}

/** Self-hosted mode: the staff claims for a correct email and password, else 401. */
export async function verifyLocalCredentials(email: string, password: string): Promise<RequestClaims> {
  const credential = await withAnonymous(async (tx) => {
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

export async function signOut(): Promise<void> {
  if (env().AUTH_MODE === "supabase") {
    const supabase = await createSupabaseServerClient();
    await supabase.auth.signOut();
    return;
  }
  (await cookies()).delete(SESSION_COOKIE);
}
