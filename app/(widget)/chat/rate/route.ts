import { rateRequestSchema, SMALL_BODY_BYTES } from "@/lib/chat/protocol";
import { rateMessage } from "@/lib/chat/ratings";
import { withVisitor } from "@/lib/routes/with-visitor";

/** Rates one of the assistant's answers: helpful or not helpful. */
export const POST = withVisitor(
  async (_request, { visitor, body: { messageId, rating } }) => {
    await rateMessage(visitor, messageId, rating);
    return Response.json({ messageId, rating });
  },
  { body: rateRequestSchema, maxBytes: SMALL_BODY_BYTES },
);
