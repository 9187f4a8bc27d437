import { z } from "zod";
import { text } from "@/lib/text";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import type { AddedSource } from "@/lib/rag/add-source";
import { addKnowledgeFiles, addKnowledgeUrl, assertMayAddKnowledge, listKnowledge } from "@/lib/rag/knowledge";
import { readUploads } from "@/lib/rag/upload";
import { withStaff } from "@/lib/routes/with-staff";

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const urlBody = z.object({ url: text().trim().max(2048) });

/** The tenant's knowledge sources with status, progress and error. */
export const GET = withStaff(async (request, { staff }) => {
  const parsed = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new AppError("bad_request", "limit must be 1-500 and offset 0 or more.");
  const documents = await listKnowledge(staff, parsed.data);
  return Response.json({ documents });
});

/**
 * Adds knowledge: files as multipart/form-data ("file" fields), or {"url": "..."} as
 * JSON. Stores the source and queues its ingestion in one transaction and answers at
 * once: 202 while indexing is queued, 200 when the same content was already there.
 */
export const POST = withStaff(async (request, { staff }) => {
  // Says why before the upload is read.
  await assertMayAddKnowledge(staff);
  const type = request.headers.get("content-type") ?? "";
  let added: AddedSource[];
  if (type.startsWith("multipart/form-data")) added = await addKnowledgeFiles(staff, await readUploads(request));
  else if (type.startsWith("application/json")) added = [await addKnowledgeUrl(staff, (await parseJsonBody(request, urlBody)).url)];
  else throw new AppError("unsupported_media_type", 'Send files as multipart/form-data, or JSON {"url": "https://..."}.');
  const documents = added.map(({ source, queued }) => ({ ...source, queued }));
  return Response.json({ documents }, { status: added.some((a) => a.queued) ? 202 : 200 });
}, { multipart: true });
