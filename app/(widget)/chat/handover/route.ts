import { requestHandover } from "@/lib/flows/request-handover";
import { handoverRequestSchema, SMALL_BODY_BYTES } from "@/lib/chat/protocol";
import { withVisitor } from "@/lib/routes/with-visitor";

/** "Talk to a person": opens (or returns) the conversation's ticket. */
export const POST = withVisitor(
  async (_request, { visitor }) => {
    const handover = await requestHandover(visitor);
    return Response.json(handover, { status: handover.message ? 201 : 200 });
  },
  { body: handoverRequestSchema, maxBytes: SMALL_BODY_BYTES },
);
