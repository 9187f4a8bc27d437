import { assertSameOriginWrite, usesCookieAuth } from "@/lib/auth/same-origin";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { endStaffSession, signOut } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";
import { errorResponse } from "@/lib/errors";

/** Ends the session (bearer token or cookie) at once, not when its token expires. */
export async function POST(request: Request) {
  try {
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
  } catch (error) {
    return errorResponse(error);
  }
}
