import "server-only";
import type { Tx } from "@/lib/db/tenant";
import type { SenderType } from "./protocol";

export interface ChatMessage {
  id: string;
  conversationId: string;
  ticketId: string | null;
  senderType: SenderType;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  ticket_id: string | null;
  sender_type: SenderType;
  content: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}

const columns = "id, conversation_id, ticket_id, sender_type, content, metadata, created_at";

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    ticketId: row.ticket_id,
    senderType: row.sender_type,
    content: row.content,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Lets the caller's transaction commit without waiting for the WAL flush (the slowest
 * part of a write on most disks). Only for AI answers, which can be reproduced by asking
 * again: a database crash may lose the last fraction of a second of them, never corrupt
 * anything. Questions, tickets and human answers always commit durably.
 */
export async function commitAsynchronously(tx: Tx): Promise<void> {
  await tx.query("select set_config('synchronous_commit', 'off', true)");
}

/** Appends a message to a conversation (RLS decides who may add which sender type). */
export async function insertMessage(
  tx: Tx,
  input: {
    tenantId: string;
    conversationId: string;
    senderType: SenderType;
    content: string;
    ticketId?: string | null;
    /** The staff member who wrote a human message (never shown to visitors). */
    authorId?: string | null;
    /** The cache entry a cached answer came from (never shown to visitors). */
    cacheEntryId?: string | null;
    metadata?: Record<string, unknown>;
    /** How fast a generated answer came (analytics and eval read it). */
    timing?: { ttftMs: number; tokensPerSecond: number | null } | null;
  },
): Promise<ChatMessage> {
  // One statement (one round trip) for the message and the conversation's activity time.
  const { rows } = await tx.query<MessageRow>(
    `with inserted as (
       insert into public.messages (tenant_id, conversation_id, ticket_id, sender_type, content, metadata, ttft_ms, tokens_per_second, author_id, cache_entry_id)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10) returning ${columns}
     ), touched as (
       update public.conversations set last_message_at = now() where id = $2
     )
     select ${columns} from inserted`,
    [input.tenantId, input.conversationId, input.ticketId ?? null, input.senderType, input.content,
      JSON.stringify(input.metadata ?? {}), input.timing?.ttftMs ?? null, input.timing?.tokensPerSecond ?? null,
      input.authorId ?? null, input.cacheEntryId ?? null],
  );
  return toMessage(rows[0]);
}

/**
 * A conversation's messages in order, optionally only those after a cursor (a message
 * id). An unknown cursor (or one from another conversation) counts as "from the start".
 */
export async function listMessages(
  tx: Tx,
  conversationId: string,
  options: { after?: string | null; limit?: number } = {},
): Promise<ChatMessage[]> {
  const limit = options.limit ?? 500;
  // The cursor's time stays text: PostgreSQL keeps microseconds, a JavaScript Date only
  // milliseconds, and a truncated time would list the cursor message itself again.
  let cursor: { created_at: string; id: string } | undefined;
  if (options.after) {
    const found = await tx.query<{ created_at: string; id: string }>(
      "select created_at::text as created_at, id from public.messages where id = $1 and conversation_id = $2",
      [options.after, conversationId],
    );
    cursor = found.rows[0];
  }
  const { rows } = cursor
    ? await tx.query<MessageRow>(
        `select ${columns} from public.messages
          where conversation_id = $1 and (created_at, id) > ($2::timestamptz, $3::uuid)
          order by created_at, id limit $4`,
        [conversationId, cursor.created_at, cursor.id, limit],
      )
    : await tx.query<MessageRow>(
        `select ${columns} from public.messages where conversation_id = $1 order by created_at, id limit $2`,
        [conversationId, limit],
      );
  return rows.map(toMessage);
}

/** The id of the newest message, the cursor a live subscription starts after. */
export async function latestMessageId(tx: Tx, conversationId: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    "select id from public.messages where conversation_id = $1 order by created_at desc, id desc limit 1",
    [conversationId],
  );
  return rows[0]?.id ?? null;
}
