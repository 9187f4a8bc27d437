import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { TenantRow } from "@/lib/tenants/settings";
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

interface ConversationRow {
  id: string;
  tenant_id: string;
  user_email: string | null;
  created_at: Date;
}

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  tenantId: row.tenant_id,
  userEmail: row.user_email,
  createdAt: row.created_at.toISOString(),
});

export async function getConversation(tx: Tx, id: string): Promise<Conversation | null> {
  const { rows } = await tx.query<ConversationRow>(
    "select id, tenant_id, user_email, created_at from public.conversations where id = $1",
    [id],
  );
  return rows[0] ? toConversation(rows[0]) : null;
}

export interface QuestionContext {
  conversation: Conversation;
  /** The conversation's ticket still with humans (waiting or being answered), if any. */
  openTicket: { id: string; number: number; status: "pending_human" | "open" } | null;
  /** The tenant's row, for its settings (lib/tenants/settings.ts tenantSettingsOf). */
  tenant: TenantRow;
}

/**
 * Stores a visitor's message and reads what answering it needs, in one statement (one
 * round trip): the conversation, its open ticket and the tenant's settings row, all read
 * under the caller's RLS before the insert, and the new message's id. While the
 * conversation has an open ticket the message belongs to it. A conversation that does
 * not exist (or is not the caller's) stores nothing: null.
 */
export async function insertQuestionWithContext(
  tx: Tx,
  input: { tenantId: string; conversationId: string; content: string },
): Promise<{ context: QuestionContext; messageId: string } | null> {
  const { rows } = await tx.query<
    ConversationRow & {
      open_id: string | null;
      open_number: number | null;
      open_status: "pending_human" | "open" | null;
      tenant: TenantRow | null;
      message_id: string | null;
    }
  >(
    `with context as (
       select c.id, c.tenant_id, c.user_email, c.created_at,
              o.id as open_id, o.number as open_number, o.status as open_status,
              (select json_build_object('id', t.id, 'name', t.name, 'widget_key', t.widget_key, 'settings', t.settings)
                 from public.tenants t where t.id = app.current_tenant_id()) as tenant
         from public.conversations c
         left join lateral (
           select id, number, status from public.tickets
            where conversation_id = c.id and status in ('pending_human', 'open') limit 1
         ) o on true
        where c.id = $1
     ), inserted as (
       insert into public.messages (tenant_id, conversation_id, ticket_id, sender_type, content)
       select $2, x.id, x.open_id, 'user', $3 from context x
       returning id
     ), touched as (
       update public.conversations set last_message_at = now() where id = $1 and exists (select 1 from inserted)
     )
     select x.*, (select id from inserted) as message_id from context x`,
    [input.conversationId, input.tenantId, input.content],
  );
  const row = rows[0];
  if (!row || !row.message_id) return null;
  if (!row.tenant) throw new AppError("not_found", "This workspace no longer exists.");
  return {
    context: {
      conversation: toConversation(row),
      openTicket: row.open_id ? { id: row.open_id, number: row.open_number!, status: row.open_status! } : null,
      tenant: row.tenant,
    },
    messageId: row.message_id,
  };
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
