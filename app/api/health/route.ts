import { withAnonymous } from "@/lib/db/tenant";
import { errorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the test harness. */
export async function GET() {
  try {
    await withAnonymous((tx) => tx.query("select 1"));
    return Response.json({ ok: true });
  } catch (error) {
    return errorResponse(error);
  }
}
