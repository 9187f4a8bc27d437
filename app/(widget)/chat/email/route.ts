import { saveVisitorEmail } from "@/lib/chat/conversations";
import { emailRequestSchema, SMALL_BODY_BYTES } from "@/lib/chat/protocol";
import { withVisitor } from "@/lib/routes/with-visitor";

/** Records where the visitor wants the follow-up: the conversation and its open tickets. */
export const POST = withVisitor(
  async (_request, { visitor, body }) => {
    const { ticketsUpdated } = await saveVisitorEmail(visitor, body.email);
    return Response.json({ email: body.email, ticketsUpdated });
  },
  { body: emailRequestSchema, maxBytes: SMALL_BODY_BYTES },
);
