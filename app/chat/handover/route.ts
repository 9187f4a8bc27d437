import { z } from "zod";
import { requestHandover } from "@/lib/flows/request-handover";
import { readConversationToken } from "@/lib/chat/token";
import { errorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";

const handoverSchema = z.object({ token: z.string().min(1, "token is required").max(4_000) });

/** "Talk to a person": opens (or returns) the conversation's ticket. */
export async function POST(request: Request) {
  try {
    const { token } = await parseJsonBody(request, handoverSchema, 8 * 1024);
    const handover = await requestHandover(await readConversationToken(token));
    return Response.json(handover, { status: handover.message ? 201 : 200 });
  } catch (error) {
    return errorResponse(error);
  }
}
