/**
 * A stand-in for the app process in fault tests that kill it mid-request: serves the
 * real resolve route handler over HTTP against the test database, and tells the parent
 * (over IPC) its address once the agent graph (and its checkpointer) is set up, as a
 * warm app process has it.
 */
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { getAgentGraph } from "@/lib/agent/graph";
import { serveRoute } from "./route-server";

await getAgentGraph();
const server = await serveRoute(async (request) => {
  const id = /^\/admin\/tickets\/([^/]+)\/resolve$/.exec(new URL(request.url).pathname)?.[1];
  if (!id) return new Response("not found", { status: 404 });
  return resolveRoute(request, { params: Promise.resolve({ id }) });
});
process.send?.({ listening: server.url });
