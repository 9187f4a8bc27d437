import { z } from "zod";
import { text } from "@/lib/text";
import { startWidgetSession } from "@/lib/chat/session";
import { errorResponse } from "@/lib/errors";
import { clientAddress, parseJsonBody } from "@/lib/http";

const sessionSchema = z.object({
  widgetKey: text().trim().min(1, "widgetKey is required").max(200),
  token: text().max(4_000).nullish(),
  /** A logged-in user of the tenant's site: their id and its HMAC (identity verification). */
  identity: z
    .object({ userId: text().trim().min(1).max(200), userHash: text().max(200) })
    .nullish(),
});

/** Starts (or resumes) a widget conversation for a tenant's public widget key. */
export async function POST(request: Request) {
  try {
    const { widgetKey, token, identity } = await parseJsonBody(request, sessionSchema, 8 * 1024);
    const session = await startWidgetSession(
      widgetKey,
      token,
      identity,
      { ip: clientAddress(request.headers), origin: request.headers.get("origin") },
    );
    return Response.json(session, { status: session.resumed ? 200 : 201 });
  } catch (error) {
    return errorResponse(error);
  }
}
