import { streamVisitorAnswer } from "@/lib/flows/answer-stream";
import { chatStreamRequestSchema } from "@/lib/chat/protocol";
import { newRequestTiming } from "@/lib/chat/timing";
import { clientAddress } from "@/lib/http";
import { withVisitor } from "@/lib/routes/with-visitor";

/**
 * The chat: validates the message and the conversation token, stores the question
 * first (so it is never lost; the cache is checked in the same transaction), then
 * streams the agent's progress and answer as an AI SDK UI message stream.
 */
export const POST = withVisitor(
  async (request, { visitor, body }) =>
    streamVisitorAnswer(visitor, body.message, { ip: clientAddress(request.headers), timing: newRequestTiming() }),
  { body: chatStreamRequestSchema },
);
