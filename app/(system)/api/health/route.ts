import { withAnonymous } from "@/lib/db/tenant";
import { withErrors } from "@/lib/routes/with-errors";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the test harness. */
export const GET = withErrors(async () => {
  await withAnonymous((tx) => tx.query("select 1"));
  return Response.json({ ok: true });
});
