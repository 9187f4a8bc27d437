import { assertSameOriginWrite, hasBearerToken } from "@/lib/auth/same-origin";
import { signOut } from "@/lib/auth/sign-in";
import { errorResponse } from "@/lib/errors";

export async function POST(request: Request) {
  try {
    if (!hasBearerToken(request)) assertSameOriginWrite(request);
    await signOut();
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
