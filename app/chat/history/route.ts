import { getConversation } from "@/lib/chat/conversations";
import { listMessages } from "@/lib/chat/messages";
import { readConversationToken, tokenFromRequest } from "@/lib/chat/token";
import { toVisitorMessage } from "@/lib/chat/visitor-view";
import { withTenant } from "@/lib/db/tenant";
import { AppError, errorResponse } from "@/lib/errors";

/** A returning visitor's conversation: its messages in order and its tickets' states. */
export async function GET(request: Request) {
  try {
    const visitor = await readConversationToken(tokenFromRequest(request));
    const history = await withTenant(visitor.claims, async (tx) => {
      const conversation = await getConversation(tx, visitor.conversationId);
      if (!conversation) return null;
      const tickets = await tx.query<{ id: string; number: number; status: string }>(
        "select id, number, status from public.tickets where conversation_id = $1 order by number",
        [visitor.conversationId],
      );
      const ratings = await tx.query<{ message_id: string; rating: string }>(
        "select message_id, rating from public.message_ratings where conversation_id = $1",
        [visitor.conversationId],
      );
      return {
        conversation,
        messages: await listMessages(tx, visitor.conversationId),
        tickets: tickets.rows,
        ratings: Object.fromEntries(ratings.rows.map((r) => [r.message_id, r.rating])),
      };
    });
    if (!history) throw new AppError("not_found", "This conversation no longer exists.");
    return Response.json({
      conversationId: history.conversation.id,
      email: history.conversation.userEmail,
      messages: history.messages.map(toVisitorMessage),
      tickets: history.tickets,
      ratings: history.ratings,
    });
  } catch (error) {
    return errorResponse(error);
  }
}
