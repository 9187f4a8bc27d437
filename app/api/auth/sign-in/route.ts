import { assertSameOriginWrite } from "@/lib/auth/same-origin";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { AppError, errorResponse } from "@/lib/errors";
import { clientAddress, parseJsonBody } from "@/lib/http";
import { signInSchema } from "./schema";

/** Programmatic sign-in: sets the session cookie and returns the bearer token too. */
export async function POST(request: Request) {
  try {
    // It sets the session cookie: a browser may only call it from the app's own pages
    // (no login CSRF); other clients send no Origin and use the returned bearer token.
    if (request.headers.get("origin")) assertSameOriginWrite(request);
    const { email, password } = await parseJsonBody(request, signInSchema);
    const { token } = await signInWithPassword(email, password, { ip: clientAddress(request.headers) });
    if (!token) throw new AppError("unauthorized", "Sign-in failed.");
    return Response.json({ token });
  } catch (error) {
    return errorResponse(error);
  }
}
