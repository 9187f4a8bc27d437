import { getKnowledge, removeKnowledge } from "@/lib/rag/knowledge";
import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";

const NOT_FOUND = "This document does not exist.";

/** One source with its status, progress and error (for polling a progress bar). */
export const GET = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  return Response.json({ document: await getKnowledge(staff, idParam(params.id, NOT_FOUND)) });
});

/** Removes the source, its chunks, and cached answers that cited it. */
export const DELETE = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const removed = await removeKnowledge(staff, idParam(params.id, NOT_FOUND));
  return Response.json({ deleted: { id: removed.id, title: removed.title } });
});
