import { AppError } from "@/lib/errors";
import { openConversationEvents } from "@/lib/chat/events";
import { eventsCursorSchema } from "@/lib/chat/protocol";
import { withVisitor } from "@/lib/routes/with-visitor";

/**
 * Live delivery (SSE) of messages added to the visitor's conversation after a cursor:
 * `?after=<message id>` or, on reconnect, the Last-Event-ID header. Backed by the
 * database (polling, woken by LISTEN/NOTIFY where available), so any app process can
 * serve any widget. The token comes as `?token=` (EventSource cannot set headers) or a bearer header.
 */
export const GET = withVisitor(
  async (request, { visitor }) => {
    const raw = request.headers.get("last-event-id") || new URL(request.url).searchParams.get("after") || null;
    const cursor = eventsCursorSchema.safeParse(raw);
    if (!cursor.success) throw new AppError("bad_request", "after must be a message id.");
    const stream = await openConversationEvents(visitor, { after: cursor.data, signal: request.signal });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
  { tokenInQuery: true },
);
