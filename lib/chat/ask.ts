import "server-only";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { getConversation } from "./conversations";
import { insertMessage } from "./messages";
import type { VisitorSession } from "./token";

export const MAX_MESSAGE_LENGTH = 4_000;

/**
 * Stores the visitor's question before anything else happens, so it is never lost
 * whatever fails afterwards. Returns what the agent needs to answer it.
 */
export async function storeQuestion(visitor: VisitorSession, question: string) {
  return withTenant(visitor.claims, async (tx) => {
    const conversation = await getConversation(tx, visitor.conversationId);
    if (!conversation) throw new AppError("not_found", "This conversation no longer exists; start a new session.");
    const message = await insertMessage(tx, {
      tenantId: visitor.tenantId,
      conversationId: visitor.conversationId,
      senderType: "user",
      content: question,
    });
    return { userMessageId: message.id, userEmail: conversation.userEmail };
  });
}
