import { z } from "zod";
import { rateMessage } from "@/lib/chat/ratings";
import { readConversationToken } from "@/lib/chat/token";
import { errorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";

const rateSchema = z.object({
  token: z.string().min(1, "token is required").max(4_000),
  messageId: z.uuid("messageId must be the id of a message in your conversation"),
  rating: z.enum(["helpful", "not_helpful"], { error: 'rating must be "helpful" or "not_helpful"' }),
});

/** Rates one of the assistant's answers: helpful or not helpful. */
export async function POST(request: Request) {
  try {
    const { token, messageId, rating } = await parseJsonBody(request, rateSchema, 8 * 1024);
    await rateMessage(await readConversationToken(token), messageId, rating);
    return Response.json({ messageId, rating });
  } catch (error) {
    return errorResponse(error);
  }
}
