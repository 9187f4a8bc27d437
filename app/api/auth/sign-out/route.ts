import { signOut } from "@/lib/auth/sign-in";
import { errorResponse } from "@/lib/errors";

export async function POST() {
  try {
    await signOut();
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
