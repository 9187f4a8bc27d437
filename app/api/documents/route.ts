import { z } from "zod";
import { text } from "@/lib/text";
import { withStaff } from "@/lib/auth/with-staff";
import type { StaffSession } from "@/lib/auth/session";
import { assertCanManageKnowledge } from "@/lib/auth/permissions";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { addFileSource, addUrlSource, type AddedSource } from "@/lib/rag/add-source";
import { urlProblem } from "@/lib/rag/fetch-url";
import { auditSourceAction, listSources } from "@/lib/rag/sources";
import { readUploads } from "@/lib/rag/upload";

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const urlBody = z.object({ url: text().trim().max(2048) });

/** The tenant's knowledge sources with status, progress and error. */
export const GET = withStaff(async (request, { staff }) => {
  const parsed = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new AppError("bad_request", "limit must be 1-500 and offset 0 or more.");
  const documents = await withTenant(staff.claims, (tx) => listSources(tx, parsed.data));
  return Response.json({ documents });
});

/**
 * Adds knowledge: files as multipart/form-data ("file" fields), or {"url": "..."} as
 * JSON. Stores the source and queues its ingestion in one transaction and answers at
 * once: 202 while indexing is queued, 200 when the same content was already there.
 */
export const POST = withStaff(async (request, { staff }) => {
  // RLS refuses the insert anyway; this says why before the upload is read.
  await withTenant(staff.claims, (tx) => assertCanManageKnowledge(tx, "add knowledge"));
  const type = request.headers.get("content-type") ?? "";
  let added: AddedSource[];
  if (type.startsWith("multipart/form-data")) added = await addFiles(request, staff);
  else if (type.startsWith("application/json")) added = [await addUrl(request, staff)];
  else throw new AppError("unsupported_media_type", 'Send files as multipart/form-data, or JSON {"url": "https://..."}.');
  const documents = added.map(({ source, queued }) => ({ ...source, queued }));
  return Response.json({ documents }, { status: added.some((a) => a.queued) ? 202 : 200 });
}, { multipart: true });

async function addFiles(request: Request, staff: StaffSession): Promise<AddedSource[]> {
  const uploads = await readUploads(request);
  return withTenant(staff.claims, async (tx) => {
    const added: AddedSource[] = [];
    for (const upload of uploads) {
      const result = await addFileSource(tx, { ...upload, tenantId: staff.tenantId, userId: staff.userId });
      if (result.queued) await auditSourceAction(tx, "source.add", result.source);
      added.push(result);
    }
    return added;
  });
}

async function addUrl(request: Request, staff: StaffSession): Promise<AddedSource> {
  const { url } = await parseJsonBody(request, urlBody);
  const problem = urlProblem(url);
  if (problem) throw new AppError("unprocessable", problem);
  return withTenant(staff.claims, async (tx) => {
    const result = await addUrlSource(tx, { tenantId: staff.tenantId, userId: staff.userId, url: new URL(url).toString() });
    await auditSourceAction(tx, "source.add", result.source);
    return result;
  });
}
