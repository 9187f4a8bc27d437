import { z } from "zod";
import { conversationEventStream } from "@/lib/chat/events";
import { openLiveStream } from "@/lib/chat/live-streams";
import { readConversationToken, tokenFromRequest } from "@/lib/chat/token";
import { AppError, errorResponse } from "@/lib/errors";

const cursorSchema = z.uuid().nullable();

/**
 * Live delivery (SSE) of messages added to the visitor's conversation after a cursor:
 * `?after=<message id>` or, on reconnect, the Last-Event-ID header. Backed by the
 * database (polling, woken by LISTEN/NOTIFY where available), so any app process can
 * serve any widget.
 */
export async function GET(request: Request) {
  try {
    const visitor = await readConversationToken(tokenFromRequest(request));
    const raw = request.headers.get("last-event-id") || new URL(request.url).searchParams.get("after") || null;
    const cursor = cursorSchema.safeParse(raw);
    if (!cursor.success) throw new AppError("bad_request", "after must be a message id.");
    const lease = await openLiveStream(visitor.claims);
    const stream = conversationEventStream(visitor.claims, visitor.conversationId, { after: cursor.data, signal: request.signal, lease });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
