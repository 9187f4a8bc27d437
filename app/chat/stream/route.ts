import { askQuestion } from "@/lib/flows/ask-question";
import { chatStreamResponse } from "@/lib/flows/answer-stream";
import { newRequestTiming } from "@/lib/chat/timing";
import { readConversationToken } from "@/lib/chat/token";
import { errorResponse } from "@/lib/errors";
import { clientAddress, parseJsonBody } from "@/lib/http";
import { chatStreamSchema } from "./schema";

function bearer(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  return header ? /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() : undefined;
}

/**
 * The chat: validates the message and the conversation token, stores the question
 * first (so it is never lost; lib/chat/ask.ts checks the cache in the same transaction),
 * then streams the agent's progress and answer as an AI SDK UI message stream.
 */
export async function POST(request: Request) {
  try {
    const body = await parseJsonBody(request, chatStreamSchema);
    const visitor = await readConversationToken(body.token ?? bearer(request));
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
  } catch (error) {
    return errorResponse(error);
  }
}
