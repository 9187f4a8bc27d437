import { z } from "zod";

/**
 * The claim shape every request carries into the database, the same whether Supabase
 * Auth or the self-hosted mode issued it. Tenant and role sit in app_metadata, which
 * only the server (or Supabase's access token hook) can write.
 */
export const staffRoles = ["owner", "admin", "agent"] as const;
export type StaffRole = (typeof staffRoles)[number];

const uuid = z.string().uuid();

export const requestClaimsSchema = z.object({
  sub: uuid.nullable(),
  role: z.enum(["authenticated", "anon"]),
  email: z.string().optional(),
  app_metadata: z.object({
    tenant_id: uuid,
    staff_role: z.enum([...staffRoles, "system"]).optional(),
    conversation_id: uuid.optional(),
  }),
});

export type RequestClaims = z.infer<typeof requestClaimsSchema>;

export function staffClaims(input: { userId: string; tenantId: string; role: StaffRole; email?: string }): RequestClaims {
  return {
    sub: input.userId,
    role: "authenticated",
    email: input.email,
    app_metadata: { tenant_id: input.tenantId, staff_role: input.role },
  };
}

export function visitorClaims(input: { tenantId: string; conversationId: string }): RequestClaims {
  return {
    sub: null,
    role: "anon",
    app_metadata: { tenant_id: input.tenantId, conversation_id: input.conversationId },
  };
}

/** Background work for one tenant (ingestion, resumed workflows): staff rights, no person. */
export function systemClaims(tenantId: string): RequestClaims {
  return { sub: null, role: "authenticated", app_metadata: { tenant_id: tenantId, staff_role: "system" } };
}
