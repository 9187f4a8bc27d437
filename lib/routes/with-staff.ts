import "server-only";
import type { StaffRole } from "@/lib/db/claims";
import { assertSameOriginWrite, usesCookieAuth } from "@/lib/auth/same-origin";
import { requireStaff, type StaffSession } from "@/lib/auth/session";
import { withErrors } from "./with-errors";

type RouteContext<P> = { params: Promise<P> };

/**
 * The staff audience (Control Center and API clients): refuse cross-site cookie-authenticated
 * writes, authenticate, authorise (optional roles), map errors to safe JSON responses.
 * Handlers then only validate input and call lib/.
 */
export function withStaff<P = Record<string, string>>(
  handler: (request: Request, context: { staff: StaffSession; params: P }) => Promise<Response>,
  options: { roles?: readonly StaffRole[]; multipart?: boolean } = {},
) {
  return withErrors(async (request: Request, context: RouteContext<P>): Promise<Response> => {
    if (usesCookieAuth(request)) assertSameOriginWrite(request, { multipart: options.multipart });
    const staff = await requireStaff(request, options.roles);
    return handler(request, { staff, params: await context.params });
  });
}
