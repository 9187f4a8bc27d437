import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import type { Rating } from "./protocol";
import type { VisitorSession } from "./token";

/**
 * The visitor rates one of the assistant's answers in their conversation (again: the
 * new rating replaces the old). RLS admits only the assistant's messages of their own
 * conversation; a database trigger flags a cached answer that collects bad ratings, so
 * it is no longer served until staff review it.
 */
export async function rateMessage(visitor: VisitorSession, messageId: string, rating: Rating): Promise<void> {
  await withTenant(visitor.claims, async (tx) => {
    const { rows } = await tx.query<{ sender_type: string; kind: string | null }>(
      "select sender_type, metadata ->> 'kind' as kind from public.messages where id = $1 and conversation_id = $2",
      [messageId, visitor.conversationId],
    );
    const message = rows[0];
    if (!message) throw new AppError("not_found", "This message is not part of your conversation.");
    if (message.sender_type !== "ai" || message.kind === "small_talk") {
      throw new AppError("unprocessable", "Only the assistant's answers can be rated.");
    }
    await tx.query(
      `insert into public.message_ratings (message_id, tenant_id, conversation_id, rating) values ($1, $2, $3, $4)
       on conflict (message_id) do update set rating = excluded.rating`,
      [messageId, visitor.tenantId, visitor.conversationId, rating],
    );
  });
}

/** The visitor's ratings in a conversation: message id → rating. */
export async function listRatings(tx: Tx, conversationId: string): Promise<Record<string, Rating>> {
  const { rows } = await tx.query<{ message_id: string; rating: Rating }>(
    "select message_id, rating from public.message_ratings where conversation_id = $1",
    [conversationId],
  );
  return Object.fromEntries(rows.map((r) => [r.message_id, r.rating]));
}
