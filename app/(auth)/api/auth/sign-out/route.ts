import { assertSameOriginWrite, usesCookieAuth } from "@/lib/auth/same-origin";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { endStaffSession, signOut } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";
import { withErrors } from "@/lib/routes/with-errors";

/** Ends the session (bearer token or cookie) at once, not when its token expires. */
export const POST = withErrors(async (request: Request) => {
  if (usesCookieAuth(request)) assertSameOriginWrite(request);
  if (env().AUTH_MODE === "supabase") {
    await signOut();
    return new Response(null, { status: 204 });
  }
  await endStaffSession(request);
  return new Response(null, {
    status: 204,
    headers: { "set-cookie": `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` },
  });
});
