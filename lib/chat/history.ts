import "server-only";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { getConversation } from "./conversations";
import { listMessages } from "./messages";
import type { HistoryResponse } from "./protocol";
import { listRatings } from "./ratings";
import type { VisitorSession } from "./token";
import { toVisitorMessage } from "./visitor-view";

/** The conversation's tickets in order, with only what the widget needs of them. */
async function listConversationTickets(tx: Tx, conversationId: string): Promise<HistoryResponse["tickets"]> {
  const { rows } = await tx.query<{ id: string; number: number; status: string }>(
    "select id, number, status from public.tickets where conversation_id = $1 order by number",
    [conversationId],
  );
  return rows;
}

/** A returning visitor's conversation: its messages in order, its tickets' states and the visitor's ratings. */
export async function getVisitorHistory(visitor: VisitorSession): Promise<HistoryResponse> {
  return withTenant(visitor.claims, async (tx) => {
    const conversation = await getConversation(tx, visitor.conversationId);
    if (!conversation) throw new AppError("not_found", "This conversation no longer exists.");
    const tickets = await listConversationTickets(tx, visitor.conversationId);
    const ratings = await listRatings(tx, visitor.conversationId);
    const messages = await listMessages(tx, visitor.conversationId);
    return {
      conversationId: conversation.id,
      email: conversation.userEmail,
      messages: messages.map(toVisitorMessage),
      tickets,
      ratings,
    };
  });
}
