import "server-only";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";

/**
 * Whether the caller may change the knowledge base and the answer cache: owners and
 * admins, and agents when the tenant allows it. The database decides (the same function
 * its RLS policies use), so the answer here and the enforcement there never disagree.
 */
export async function canManageKnowledge(tx: Tx): Promise<boolean> {
  const { rows } = await tx.query<{ allowed: boolean }>("select app.can_manage_knowledge() as allowed");
  return rows[0]?.allowed === true;
}

export async function assertCanManageKnowledge(tx: Tx, what: string): Promise<void> {
  if (!(await canManageKnowledge(tx))) {
    throw new AppError("forbidden", `Only owners and admins can ${what} (an owner can allow agents in Settings).`);
  }
}
