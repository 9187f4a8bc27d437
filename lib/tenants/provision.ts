import "server-only";
import { randomUUID } from "node:crypto";
import type { StaffRole } from "@/lib/db/claims";
import { hashPassword } from "@/lib/auth/password";
import type { Tx } from "@/lib/db/tenant";

export interface NewTenant {
  name: string;
  slug: string;
  plan?: "free" | "pro" | "enterprise";
  settings?: Record<string, unknown>;
}

export interface ProvisionedTenant {
  id: string;
  name: string;
  slug: string;
  widgetKey: string;
}

/** Provisioning: runs with the service role (withService), never inside a request. */
export async function createTenant(tx: Tx, input: NewTenant): Promise<ProvisionedTenant> {
  const { rows } = await tx.query<{ id: string; name: string; slug: string; widget_key: string }>(
    `insert into public.tenants (name, slug, plan, settings)
     values ($1, $2, $3, '{"confidence_threshold": 0.7, "cache_ttl_days": 7, "branding": {}}'::jsonb || $4::jsonb)
     returning id, name, slug, widget_key`,
    [input.name, input.slug, input.plan ?? "free", JSON.stringify(input.settings ?? {})],
  );
  const row = rows[0];
  return { id: row.id, name: row.name, slug: row.slug, widgetKey: row.widget_key };
}

/**
 * Creates a staff account with a local password (self-hosted auth) and its membership.
 * With Supabase Auth the account lives in GoTrue; pass password null and the user's id.
 */
export async function createStaffMember(
  tx: Tx,
  input: { tenantId: string; email: string; password: string | null; role: StaffRole; displayName?: string; userId?: string },
): Promise<{ userId: string }> {
  const email = input.email.trim().toLowerCase();
  const userId = input.userId ?? randomUUID();
  if (input.password !== null) {
    await tx.query(
      `insert into auth.users (id, email, encrypted_password, raw_app_meta_data) values ($1, $2, $3, $4)`,
      [userId, email, await hashPassword(input.password), JSON.stringify({ tenant_id: input.tenantId, staff_role: input.role })],
    );
  }
  await tx.query(`insert into public.users (id, tenant_id, email, display_name, role) values ($1, $2, $3, $4, $5)`, [
    userId,
    input.tenantId,
    email,
    input.displayName ?? null,
    input.role,
  ]);
  return { userId };
}
