import "server-only";
import type { z } from "zod";
import { readConversationToken, type VisitorSession } from "@/lib/chat/token";
import { bearerToken, parseJsonBody } from "@/lib/http";
import { withErrors } from "./with-errors";

type VisitorHandler<B> = (request: Request, context: { visitor: VisitorSession; body: B }) => Promise<Response>;

/**
 * The widget visitor's conversation token, read in one place: a JSON body's `token`, else
 * `Authorization: Bearer`, else (only where `tokenInQuery`) the `token` query parameter,
 * which EventSource needs since it cannot set headers.
 */
function conversationToken(request: Request, bodyToken: string | null | undefined, tokenInQuery: boolean): string | null {
  return bodyToken || bearerToken(request.headers) || (tokenInQuery ? new URL(request.url).searchParams.get("token") : null);
}

/**
 * The widget visitor audience: reads and validates the JSON body (when the route has one,
 * 400/413/422 first), then verifies the conversation token (401) and hands the handler
 * the visitor's session; errors become safe JSON responses.
 */
export function withVisitor(handler: VisitorHandler<undefined>, options?: { tokenInQuery?: boolean }): (request: Request) => Promise<Response>;
export function withVisitor<B extends { token?: string | null }>(
  handler: VisitorHandler<B>,
  options: { body: z.ZodType<B>; maxBytes?: number },
): (request: Request) => Promise<Response>;
export function withVisitor<B extends { token?: string | null }>(
  handler: VisitorHandler<B | undefined>,
  options: { body?: z.ZodType<B>; maxBytes?: number; tokenInQuery?: boolean } = {},
): (request: Request) => Promise<Response> {
  return withErrors(async (request: Request) => {
    const body = options.body ? await parseJsonBody(request, options.body, options.maxBytes) : undefined;
    const visitor = await readConversationToken(conversationToken(request, body?.token, options.tokenInQuery ?? false));
    return handler(request, { visitor, body });
  });
}
