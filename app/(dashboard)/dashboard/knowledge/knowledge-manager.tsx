"use client";

import { useCallback, useEffect, useState } from "react";
import { Notice } from "@/components/ui/notice";
import type { SourceSummary } from "@/lib/rag/sources";
import { addUrl, deleteDocument, fetchDocuments, uploadFile } from "./api";
import { DocumentList } from "./document-list";
import { UploadPanel, type UploadReport } from "./upload-panel";

const POLL_MS = 1500;

const inProgress = (d: SourceSummary) => d.status === "queued" || d.status === "processing";

/** Upload, watch indexing progress (polling while anything is in progress), delete. */
export function KnowledgeManager({ initial, editable }: { initial: SourceSummary[]; editable: boolean }) {
  const [documents, setDocuments] = useState(initial);
  const [reports, setReports] = useState<UploadReport[]>([]);
  const [pollError, setPollError] = useState<string | null>(null);
  const [listMessage, setListMessage] = useState<{ ok?: string; error?: string }>({});

  const reload = useCallback(async () => {
    try {
      setDocuments(await fetchDocuments());
      setPollError(null);
    } catch (error) {
      setPollError(`Could not refresh the list: ${(error as Error).message}`);
    }
  }, []);

  const busy = documents.some(inProgress);
  useEffect(() => {
    if (!busy) return;
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [busy, reload]);

  const report = (entry: UploadReport) => setReports((current) => [entry, ...current.filter((r) => r.key !== entry.key)].slice(0, 20));

  // One request per file, in turn: each file succeeds or fails on its own, with its reason.
  async function upload(files: File[]) {
    for (const file of files) {
      const key = `${file.name}:${file.size}:${file.lastModified}`;
      report({ key, name: file.name, state: "uploading" });
      try {
        const [added] = await uploadFile(file);
        report({ key, name: file.name, state: "done", message: added && !inProgress(added) ? "Already in the knowledge base; nothing changed." : "Uploaded." });
      } catch (error) {
        report({ key, name: file.name, state: "failed", message: (error as Error).message });
      }
      await reload();
    }
  }

  async function submitUrl(url: string) {
    const key = `url:${url}`;
    report({ key, name: url, state: "uploading" });
    try {
      await addUrl(url);
      report({ key, name: url, state: "done", message: "Added." });
    } catch (error) {
      report({ key, name: url, state: "failed", message: (error as Error).message });
    }
    await reload();
  }

  async function remove(document: SourceSummary) {
    try {
      await deleteDocument(document.id);
      setListMessage({ ok: `"${document.title}" was deleted, with the cached answers that cited it.` });
    } catch (error) {
      setListMessage({ error: `Could not delete "${document.title}": ${(error as Error).message}` });
    }
    await reload();
  }

  return (
    <div className="space-y-6">
      {editable ? <UploadPanel onFiles={upload} onUrl={submitUrl} reports={reports} /> : null}
      {pollError ? <Notice tone="warning">{pollError}</Notice> : null}
      {listMessage.error ? <Notice tone="error">{listMessage.error}</Notice> : null}
      {listMessage.ok ? <Notice tone="success">{listMessage.ok}</Notice> : null}
      <DocumentList documents={documents} onDelete={editable ? remove : undefined} />
    </div>
  );
}
