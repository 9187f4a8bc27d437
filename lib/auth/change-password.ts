import "server-only";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/password";
import type { StaffSession } from "@/lib/auth/session";
import { throttledSignIn, verifyLocalCredentials } from "@/lib/auth/sign-in";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { text } from "@/lib/text";

export const changePasswordSchema = z
  .object({
    currentPassword: text().min(1, "Enter your current password.").max(1024),
    newPassword: text().min(12, "The new password needs at least 12 characters.").max(1024, "The new password is too long."),
  })
  .refine((v) => v.currentPassword !== v.newPassword, { message: "The new password must differ from the current one.", path: ["newPassword"] });

/**
 * A staff member replaces their own password (one an admin set, say). The current one
 * is checked behind the sign-in throttle, so this is no side door for guessing; every
 * other session of the member ends, and the change is audited.
 */
export async function changeOwnPassword(staff: StaffSession, input: z.input<typeof changePasswordSchema>, client: { ip: string }): Promise<{ sessionsEnded: number }> {
  if (env().AUTH_MODE === "supabase") {
    throw new AppError("unprocessable", "With Supabase Auth, change your password through Supabase (the reset e-mail).");
  }
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) throw new AppError("unprocessable", parsed.error.issues[0].message, parsed.error.issues);
  const verified = await throttledSignIn(staff.email, client.ip, () => verifyLocalCredentials(staff.email, parsed.data.currentPassword)).catch(
    (error: unknown) => {
      if (error instanceof AppError && error.code === "unauthorized") throw new AppError("forbidden", "The current password is incorrect.");
      throw error;
    },
  );
  if (verified.sub !== staff.userId) throw new AppError("forbidden", "The current password is incorrect.");
  const hash = await hashPassword(parsed.data.newPassword);
  return withTenant(staff.claims, async (tx) => {
    await tx.query("select app.set_own_password($1)", [hash]);
    const { rows } = await tx.query<{ ended: number }>("select app.revoke_staff_sessions($1, true) as ended", [
      staff.sessionId ?? "00000000-0000-0000-0000-000000000000",
    ]);
    await tx.query(
      "insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details) values (app.current_tenant_id(), auth.uid(), 'auth.password_changed', 'user', auth.uid()::text, $1)",
      [JSON.stringify({ sessionsEnded: rows[0].ended })],
    );
    return { sessionsEnded: rows[0].ended };
  });
}
