import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { wasInterrupted } from "./lifecycle";
import type { KbDocument } from "./kb";

const ADD_BATCH = 25;
const POLL_MS = 1_000;

export interface IngestedKb {
  /** Product source id → KB id, to turn citations and retrieved chunks back into KB ids. */
  kbIdBySource: Map<string, string>;
  ready: number;
  failed: Array<{ id: string; error: string }>;
  ms: number;
}

async function sourceStatuses(tenantId: string): Promise<Array<{ id: string; status: string; error: string | null }>> {
  return withTenant(systemClaims(tenantId), async (tx) => (await tx.query<{ id: string; status: string; error: string | null }>("select id, status, error from public.sources")).rows);
}

/**
 * Puts the documents through the product's ingestion path: stored as uploads (which
 * queues one ingestion job each), then indexed by the job runner, in this process
 * (`runJobs`) or by the app serving the database (HTTP mode), until none is pending.
 */
export async function ingestKb(tenantId: string, docs: KbDocument[], options: { runJobs: boolean; timeoutMs?: number }): Promise<IngestedKb> {
  const started = performance.now();
  const kbIdBySource = new Map<string, string>();
  for (let i = 0; i < docs.length; i += ADD_BATCH) {
    await withTenant(systemClaims(tenantId), async (tx) => {
      for (const doc of docs.slice(i, i + ADD_BATCH)) {
        const { source } = await addFileSource(tx, { tenantId, userId: null, kind: doc.kind, fileName: doc.fileName, mimeType: doc.mimeType, data: doc.data });
        kbIdBySource.set(source.id, doc.id);
      }
    });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let statuses = await sourceStatuses(tenantId);
  while (statuses.some((s) => s.status === "queued" || s.status === "processing")) {
    if (wasInterrupted()) throw new Error("Interrupted while indexing the knowledge base.");
    if (Date.now() > deadline) throw new Error("The knowledge base was not indexed in time; is the app's job runner running?");
    if (options.runJobs) await runJobsUntilIdle({ ignoreBackoff: true });
    else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    statuses = await sourceStatuses(tenantId);
  }
  const failed = statuses.filter((s) => s.status === "failed").map((s) => ({ id: kbIdBySource.get(s.id) ?? s.id, error: s.error ?? "failed" }));
  return { kbIdBySource, ready: statuses.length - failed.length, failed, ms: performance.now() - started };
}
