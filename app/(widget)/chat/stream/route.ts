import { askQuestion } from "@/lib/flows/ask-question";
import { chatStreamResponse } from "@/lib/flows/answer-stream";
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
  async (request, { visitor, body }) => {
    const timing = newRequestTiming();
    const { userMessageId, userEmail, prepared, settled } = await askQuestion(visitor, body.message, timing, { ip: clientAddress(request.headers) });
    return chatStreamResponse({
      claims: visitor.claims,
      conversationId: visitor.conversationId,
      userMessageId,
      question: body.message,
      userEmail,
      prepared,
      settled,
      timing,
    });
  },
  { body: chatStreamRequestSchema },
);
