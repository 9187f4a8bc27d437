import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { VisitorSession } from "./token";

export interface Conversation {
  id: string;
  tenantId: string;
  userEmail: string | null;
  createdAt: string;
}

export async function createConversation(tx: Tx, input: { id: string; tenantId: string }): Promise<void> {
  await tx.query("insert into public.conversations (id, tenant_id) values ($1, $2)", [input.id, input.tenantId]);
}

export async function getConversation(tx: Tx, id: string): Promise<Conversation | null> {
  const { rows } = await tx.query<{ id: string; tenant_id: string; user_email: string | null; created_at: Date }>(
    "select id, tenant_id, user_email, created_at from public.conversations where id = $1",
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, tenantId: row.tenant_id, userEmail: row.user_email, createdAt: row.created_at.toISOString() } : null;
}

/**
 * Records the visitor's address on the conversation and on its tickets still waiting
 * for an answer, so the follow-up e-mail reaches them.
 */
export async function setConversationEmail(
  tx: Tx,
  conversationId: string,
  email: string,
): Promise<{ found: boolean; ticketsUpdated: number }> {
  const updated = await tx.query("update public.conversations set user_email = $2 where id = $1", [conversationId, email]);
  if (!updated.rowCount) return { found: false, ticketsUpdated: 0 };
  const tickets = await tx.query(
    "update public.tickets set user_email = $2 where conversation_id = $1 and status <> 'resolved'",
    [conversationId, email],
  );
  return { found: true, ticketsUpdated: tickets.rowCount ?? 0 };
}

/** The visitor gives their address (POST /chat/email); 404 when the conversation is gone. */
export async function saveVisitorEmail(visitor: VisitorSession, email: string): Promise<{ ticketsUpdated: number }> {
  const result = await withTenant(visitor.claims, (tx) => setConversationEmail(tx, visitor.conversationId, email));
  if (!result.found) throw new AppError("not_found", "This conversation no longer exists.");
  return { ticketsUpdated: result.ticketsUpdated };
}
