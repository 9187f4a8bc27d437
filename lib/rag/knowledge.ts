import "server-only";
import { assertCanManageKnowledge } from "@/lib/auth/permissions";
import type { RequestClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { addFileSource, addUrlSource, type AddedSource } from "./add-source";
import { urlProblem } from "./fetch-url";
import { removeSource } from "./remove-source";
import { auditSourceAction, getSource, listSources, type SourceSummary } from "./sources";
import type { ValidUpload } from "./upload";

/** A staff member changing the knowledge base (the database decides what their role may do). */
export interface KnowledgeEditor {
  claims: RequestClaims;
  tenantId: string;
  userId: string;
}

/** Refuses, with the reason, a staff member who may not add knowledge (RLS would refuse the insert anyway). */
export function assertMayAddKnowledge(editor: KnowledgeEditor): Promise<void> {
  return withTenant(editor.claims, (tx) => assertCanManageKnowledge(tx, "add knowledge"));
}

/** Stores uploaded files and queues their ingestion in one transaction; new content is audited. */
export function addKnowledgeFiles(editor: KnowledgeEditor, uploads: ValidUpload[]): Promise<AddedSource[]> {
  return withTenant(editor.claims, async (tx) => {
    const added: AddedSource[] = [];
    for (const upload of uploads) {
      const result = await addFileSource(tx, { ...upload, tenantId: editor.tenantId, userId: editor.userId });
      if (result.queued) await auditSourceAction(tx, "source.add", result.source);
      added.push(result);
    }
    return added;
  });
}

/** Adds (or refreshes) a web page; a URL the fetcher would refuse is 422 at once. */
export async function addKnowledgeUrl(editor: KnowledgeEditor, url: string): Promise<AddedSource> {
  const problem = urlProblem(url);
  if (problem) throw new AppError("unprocessable", problem);
  return withTenant(editor.claims, async (tx) => {
    const result = await addUrlSource(tx, { tenantId: editor.tenantId, userId: editor.userId, url: new URL(url).toString() });
    await auditSourceAction(tx, "source.add", result.source);
    return result;
  });
}

/** Removes a source, its chunks and the cached answers that cited it; 404 when there is none. */
export async function removeKnowledge(editor: KnowledgeEditor, id: string): Promise<SourceSummary> {
  const removed = await withTenant(editor.claims, async (tx) => {
    await assertCanManageKnowledge(tx, "delete knowledge");
    return removeSource(tx, editor.tenantId, id);
  });
  if (!removed) throw new AppError("not_found", "This document does not exist.");
  return removed;
}

/** The tenant's sources, newest first, for any staff member. */
export function listKnowledge(reader: Pick<KnowledgeEditor, "claims">, options: { limit?: number; offset?: number }): Promise<SourceSummary[]> {
  return withTenant(reader.claims, (tx) => listSources(tx, options));
}

/** One source with its status, progress and error; 404 when the tenant has none with this id. */
export async function getKnowledge(reader: Pick<KnowledgeEditor, "claims">, id: string): Promise<SourceSummary> {
  const source = await withTenant(reader.claims, (tx) => getSource(tx, id));
  if (!source) throw new AppError("not_found", "This document does not exist.");
  return source;
}
