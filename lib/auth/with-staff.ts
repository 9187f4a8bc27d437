import "server-only";
import type { StaffRole } from "@/lib/db/claims";
import { assertSameOriginWrite, usesCookieAuth } from "@/lib/auth/same-origin";
import { requireStaff, type StaffSession } from "@/lib/auth/session";
import { errorResponse } from "@/lib/errors";

type RouteContext<P> = { params: Promise<P> };

/**
 * Wraps a route handler once: refuse cross-site cookie-authenticated writes, authenticate,
 * authorise (optional roles), map errors to safe JSON responses. Handlers then only validate input and call lib/.
 */
export function withStaff<P = Record<string, string>>(
  handler: (request: Request, context: { staff: StaffSession; params: P }) => Promise<Response>,
  options: { roles?: readonly StaffRole[]; multipart?: boolean } = {},
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      if (usesCookieAuth(request)) assertSameOriginWrite(request, { multipart: options.multipart });
      const staff = await requireStaff(request, options.roles);
      return await handler(request, { staff, params: await context.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
