import "server-only";
import type { Tx } from "@/lib/db/tenant";

/**
 * Appends to the tenant's audit log as the caller (RLS: their tenant, themselves as the
 * actor; system jobs have no actor). In the caller's transaction, so an action and its
 * record commit or fail together.
 */
export async function recordAudit(
  tx: Tx,
  entry: { action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> },
): Promise<void> {
  await tx.query(
    `insert into public.audit_log (tenant_id, actor_id, action, target_type, target_id, details)
     values (app.current_tenant_id(), auth.uid(), $1, $2, $3, $4::jsonb)`,
    [entry.action, entry.targetType ?? null, entry.targetId ?? null, JSON.stringify(entry.details ?? {})],
  );
}
