import "server-only";
import { z } from "zod";
import { text } from "@/lib/text";
import { staffRoles, type StaffRole } from "@/lib/db/claims";
import { hashPassword } from "@/lib/auth/password";
import type { Tx } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface StaffMember {
  id: string;
  email: string;
  displayName: string | null;
  role: StaffRole;
  createdAt: Date;
}

export const inviteSchema = z.object({
  email: text().trim().toLowerCase().email("Enter a valid email address").max(320),
  password: text().min(12, "The initial password needs at least 12 characters").max(1024),
  role: z.enum(staffRoles),
  displayName: text().trim().max(120).optional(),
});
export type InviteInput = z.input<typeof inviteSchema>;

const roleSchema = z.enum(staffRoles);
const idSchema = z.string().uuid();

/** Everyone in the caller's tenant, owners first. */
export async function listStaff(tx: Tx): Promise<StaffMember[]> {
  const { rows } = await tx.query<{ id: string; email: string; display_name: string | null; role: StaffRole; created_at: Date }>(
    `select id, email, display_name, role, created_at from public.users
     order by case role when 'owner' then 0 when 'admin' then 1 else 2 end, email`,
  );
  return rows.map((r) => ({ id: r.id, email: r.email, displayName: r.display_name, role: r.role, createdAt: r.created_at }));
}

/** The caller's role as the membership table has it (not as a possibly stale token says). */
async function callerRole(tx: Tx): Promise<StaffRole | null> {
  const { rows } = await tx.query<{ role: StaffRole }>("select role from public.users where id = auth.uid()");
  return rows[0]?.role ?? null;
}

async function requireManager(tx: Tx, targetRole?: StaffRole): Promise<StaffRole> {
  const role = await callerRole(tx);
  if (role !== "owner" && role !== "admin") throw new AppError("forbidden", "Only owners and admins can manage staff.");
  if (targetRole === "owner" && role !== "owner") throw new AppError("forbidden", "Only an owner can manage owners.");
  return role;
}

async function findMember(tx: Tx, userId: string): Promise<StaffMember> {
  const id = idSchema.safeParse(userId);
  const member = id.success ? (await listStaff(tx)).find((m) => m.id === id.data) : undefined;
  if (!member) throw new AppError("not_found", "This staff member does not exist in your workspace.");
  return member;
}

async function audit(tx: Tx, action: string, targetId: string, details: Record<string, unknown>): Promise<void> {
  await tx.query(
    `insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details)
     values (app.current_tenant_id(), auth.uid(), $1, 'user', $2, $3)`,
    [action, targetId, JSON.stringify(details)],
  );
}

/** Maps the database's own guards (policies, last-owner trigger, unique email) to clear answers. */
function translate(error: unknown): never {
  const pgError = error as { code?: string; message?: string };
  if (pgError.code === "23514" && /owner/.test(pgError.message ?? "")) {
    throw new AppError("conflict", "The workspace must keep at least one owner.");
  }
  if (pgError.code === "23505") throw new AppError("conflict", "This email address already has an account.");
  if (pgError.code === "42501") throw new AppError("forbidden", "You are not allowed to do this.");
  throw error;
}

/**
 * Self-hosted mode: creates the colleague's account with an initial password they sign
 * in with. With Supabase Auth, accounts are created in Supabase (dashboard or its admin
 * API); this product holds no service key, so it refuses instead of half-creating one.
 */
export async function inviteStaff(tx: Tx, input: InviteInput): Promise<StaffMember> {
  const parsed = inviteSchema.safeParse(input);
  if (!parsed.success) throw new AppError("unprocessable", parsed.error.issues[0].message, parsed.error.issues);
  const data = parsed.data;
  if (env().AUTH_MODE !== "local") {
    throw new AppError("unprocessable", "With Supabase Auth, create the account in Supabase first; inviting here works in self-hosted mode.");
  }
  await requireManager(tx, data.role);
  const passwordHash = await hashPassword(data.password);
  try {
    const { rows } = await tx.query<{ id: string }>("select app.create_local_credentials($1, $2) as id", [data.email, passwordHash]);
    const id = rows[0].id;
    await tx.query(
      "insert into public.users (id, tenant_id, email, display_name, role) values ($1, app.current_tenant_id(), $2, $3, $4)",
      [id, data.email, data.displayName || null, data.role],
    );
    await audit(tx, "staff.invite", id, { email: data.email, role: data.role });
    return findMember(tx, id);
  } catch (error) {
    translate(error);
  }
}

export async function changeRole(tx: Tx, userId: string, role: StaffRole): Promise<StaffMember> {
  const parsedRole = roleSchema.safeParse(role);
  if (!parsedRole.success) throw new AppError("unprocessable", "The role must be owner, admin or agent.");
  const next = parsedRole.data;
  const member = await findMember(tx, userId);
  await requireManager(tx, member.role === "owner" || next === "owner" ? "owner" : undefined);
  if (member.role === next) return member;
  try {
    const { rowCount } = await tx.query("update public.users set role = $2 where id = $1", [member.id, next]);
    if (!rowCount) throw new AppError("forbidden", "You are not allowed to change this role.");
    await audit(tx, "staff.role", member.id, { from: member.role, to: next });
  } catch (error) {
    translate(error);
  }
  return { ...member, role: next };
}

/** Removes the membership; sign-in needs one, so the account can no longer get in. */
export async function removeStaff(tx: Tx, userId: string): Promise<void> {
  const member = await findMember(tx, userId);
  await requireManager(tx, member.role);
  const { rows } = await tx.query<{ me: string }>("select auth.uid()::text as me");
  if (rows[0]?.me === member.id) throw new AppError("unprocessable", "You cannot remove yourself; ask another owner or admin.");
  try {
    const { rowCount } = await tx.query("delete from public.users where id = $1", [member.id]);
    if (!rowCount) throw new AppError("forbidden", "You are not allowed to remove this member.");
    await audit(tx, "staff.remove", member.id, { email: member.email, role: member.role });
  } catch (error) {
    translate(error);
  }
}
