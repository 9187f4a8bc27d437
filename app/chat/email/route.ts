import { z } from "zod";
import { text } from "@/lib/text";
import { setConversationEmail } from "@/lib/chat/conversations";
import { readConversationToken } from "@/lib/chat/token";
import { withTenant } from "@/lib/db/tenant";
import { AppError, errorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";

const emailSchema = z.object({
  token: text().min(1, "token is required").max(4_000),
  email: text().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(320)),
});

/** Records where the visitor wants the follow-up: the conversation and its open tickets. */
export async function POST(request: Request) {
  try {
    const { token, email } = await parseJsonBody(request, emailSchema, 8 * 1024);
    const visitor = await readConversationToken(token);
    const result = await withTenant(visitor.claims, (tx) => setConversationEmail(tx, visitor.conversationId, email));
    if (!result.found) throw new AppError("not_found", "This conversation no longer exists.");
    return Response.json({ email, ticketsUpdated: result.ticketsUpdated });
  } catch (error) {
    return errorResponse(error);
  }
}
