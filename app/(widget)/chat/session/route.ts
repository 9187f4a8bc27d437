import { sessionRequestSchema, SMALL_BODY_BYTES } from "@/lib/chat/protocol";
import { startWidgetSession } from "@/lib/chat/session";
import { clientAddress, parseJsonBody } from "@/lib/http";
import { withErrors } from "@/lib/routes/with-errors";

/**
 * Starts (or resumes) a widget conversation for a tenant's public widget key: the one
 * widget route without a conversation token yet (a kept one in the body is checked by
 * lib/chat/session.ts, which may replace it).
 */
export const POST = withErrors(async (request: Request) => {
  const { widgetKey, token, identity } = await parseJsonBody(request, sessionRequestSchema, SMALL_BODY_BYTES);
  const session = await startWidgetSession(widgetKey, token, identity, {
    ip: clientAddress(request.headers),
    origin: request.headers.get("origin"),
  });
  return Response.json(session, { status: session.resumed ? 200 : 201 });
});
