import { z } from "zod";
import { withStaff } from "@/lib/auth/with-staff";
import { assertCanManageKnowledge } from "@/lib/auth/permissions";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { removeSource } from "@/lib/rag/remove-source";
import { getSource } from "@/lib/rag/sources";

const sourceId = z.string().uuid();

function parseId(id: string): string {
  const parsed = sourceId.safeParse(id);
  // Not a valid id can be no document of this tenant: the same answer as a missing one.
  if (!parsed.success) throw new AppError("not_found", "This document does not exist.");
  return parsed.data;
}

/** One source with its status, progress and error (for polling a progress bar). */
export const GET = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = parseId(params.id);
  const document = await withTenant(staff.claims, (tx) => getSource(tx, id));
  if (!document) throw new AppError("not_found", "This document does not exist.");
  return Response.json({ document });
});

/** Removes the source, its chunks, and cached answers that cited it. */
export const DELETE = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = parseId(params.id);
  const removed = await withTenant(staff.claims, async (tx) => {
    await assertCanManageKnowledge(tx, "delete knowledge");
    return removeSource(tx, staff.tenantId, id);
  });
  if (!removed) throw new AppError("not_found", "This document does not exist.");
  return Response.json({ deleted: { id: removed.id, title: removed.title } });
});
