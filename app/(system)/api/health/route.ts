import { cacheHealth } from "@/lib/cache/health";
import { withAnonymous } from "@/lib/db/tenant";
import { withErrors } from "@/lib/routes/with-errors";

export const dynamic = "force-dynamic";

/**
 * Liveness and database reachability, for load balancers and the test harness. The
 * cache store's state is reported, not failed on: without it questions are still
 * answered (as misses), so the instance stays in service.
 */
export const GET = withErrors(async () => {
  await withAnonymous((tx) => tx.query("select 1"));
  return Response.json({ ok: true, cache: cacheHealth() });
});
