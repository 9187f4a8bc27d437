"use client";

import { useState } from "react";
import { ConfirmButton } from "@/components/dashboard/confirm-button";
import { formatBytes, Time } from "@/components/dashboard/format";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ProgressBar } from "@/components/ui/progress-bar";
import type { SourceStatus, SourceSummary } from "@/lib/rag/sources";

const STATUS: Record<SourceStatus, { label: string; tone: BadgeTone }> = {
  queued: { label: "Queued", tone: "gray" },
  processing: { label: "Indexing", tone: "blue" },
  ready: { label: "Ready", tone: "green" },
  failed: { label: "Failed", tone: "red" },
};

export function DocumentList({ documents, onDelete }: { documents: SourceSummary[]; onDelete?: (d: SourceSummary) => Promise<void> }) {
  if (documents.length === 0) {
    return <EmptyState title="No documents yet">Upload your help articles, FAQs or policies; the assistant answers only from what is here.</EmptyState>;
  }
  return (
    <ul className="space-y-2" aria-label="Documents">
      {documents.map((document) => (
        <DocumentItem key={document.id} document={document} onDelete={onDelete} />
      ))}
    </ul>
  );
}

function DocumentItem({ document, onDelete }: { document: SourceSummary; onDelete?: (d: SourceSummary) => Promise<void> }) {
  const [deleting, setDeleting] = useState(false);
  const status = STATUS[document.status];
  const working = document.status === "queued" || document.status === "processing";
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="document" data-status={document.status}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium text-slate-900">{document.title}</p>
          <p className="truncate text-xs text-slate-500">
            {document.url ?? document.fileName} · {document.kind}
            {document.byteSize ? ` · ${formatBytes(document.byteSize)}` : ""}
            {document.version > 1 ? ` · version ${document.version}` : ""} · updated <Time date={document.updatedAt} />
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Badge tone={status.tone}>{status.label}</Badge>
          {onDelete ? (
            <ConfirmButton
              label="Delete"
              question={`Delete "${document.title}"?`}
              confirmLabel="Delete"
              pending={deleting}
              onConfirm={async () => {
                setDeleting(true);
                await onDelete(document);
                setDeleting(false);
              }}
            />
          ) : null}
        </div>
      </div>
      {working ? (
        <div className="mt-3 space-y-1">
          <ProgressBar value={document.progress} label={`Indexing ${document.title}`} />
          <p className="text-xs text-slate-500">
            {document.chunksTotal > 0 ? `${document.chunksDone} of ${document.chunksTotal} passages indexed` : document.status === "queued" ? "Waiting to start…" : "Reading the document…"}
          </p>
        </div>
      ) : null}
      {document.status === "failed" && document.error ? (
        <p className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900" role="note">
          {document.error}
        </p>
      ) : null}
    </li>
  );
}
