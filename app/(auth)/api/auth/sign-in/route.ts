import { assertSameOriginWrite } from "@/lib/auth/same-origin";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress, parseJsonBody } from "@/lib/http";
import { withErrors } from "@/lib/routes/with-errors";
import { signInSchema } from "./schema";

/**
 * Programmatic sign-in. Self-hosted: sets the session cookie and returns the bearer token
 * too. Supabase Auth: returns the access and refresh tokens (no cookies).
 */
export const POST = withErrors(async (request: Request) => {
  // It sets the session cookie: a browser may only call it from the app's own pages
  // (no login CSRF); other clients send no Origin and use the returned bearer token.
  if (request.headers.get("origin")) assertSameOriginWrite(request);
  const { email, password } = await parseJsonBody(request, signInSchema);
  const { token, refreshToken } = await signInWithPassword(email, password, {
    ip: clientAddress(request.headers),
    tokensOnly: env().AUTH_MODE === "supabase",
  });
  if (!token) throw new AppError("unauthorized", "Sign-in failed.");
  return Response.json(refreshToken ? { token, refreshToken } : { token });
});
