"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES, uploadProblem } from "./upload-rules";

export interface UploadReport {
  key: string;
  name: string;
  state: "uploading" | "done" | "failed" | "refused";
  message?: string;
}

/** Drag and drop or a file picker (several files), plus adding a web page by URL. */
export function UploadPanel({
  onFiles,
  onUrl,
  reports,
}: {
  onFiles: (files: File[]) => Promise<void>;
  onUrl: (url: string) => Promise<void>;
  reports: UploadReport[];
}) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const [refused, setRefused] = useState<UploadReport[]>([]);
  const [url, setUrl] = useState("");

  function accept(list: FileList | null) {
    const files = Array.from(list ?? []);
    const problems = files.flatMap((file) => {
      const problem = uploadProblem(file);
      return problem ? [{ key: `refused:${file.name}`, name: file.name, state: "refused" as const, message: problem }] : [];
    });
    setRefused(problems);
    const ok = files.filter((file) => !uploadProblem(file));
    if (ok.length) void onFiles(ok);
  }

  return (
    <Card aria-labelledby="upload-title">
      <CardHeader id="upload-title" title="Add knowledge" description={`PDF, Markdown, HTML or plain text, up to ${MAX_FILE_BYTES / 1024 / 1024} MB each.`} />
      <CardBody className="space-y-4">
        <div
          data-testid="drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(event) => {
            event.preventDefault();
            setDragging(false);
            accept(event.dataTransfer.files);
          }}
          className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-4 py-8 text-center ${
            dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-slate-50"
          }`}
        >
          <p className="text-sm font-medium text-slate-800">Drop files here</p>
          <p className="text-xs text-slate-500">or</p>
          <label htmlFor={inputId} className="sr-only">
            Choose files to upload
          </label>
          <input
            id={inputId}
            type="file"
            multiple
            accept={ACCEPT_ATTRIBUTE}
            onChange={(event) => {
              accept(event.target.files);
              event.target.value = "";
            }}
            className="max-w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border-0 file:bg-indigo-600 file:px-3 file:py-2 file:text-sm file:font-medium file:text-white hover:file:bg-indigo-700"
          />
        </div>

        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-end"
          onSubmit={(event) => {
            event.preventDefault();
            if (!url.trim()) return;
            void onUrl(url.trim());
            setUrl("");
          }}
        >
          <div className="flex-1">
            <label htmlFor="source-url" className="block text-sm font-medium text-slate-700">
              Or add a web page
            </label>
            <Input id="source-url" type="url" placeholder="https://example.com/help/article" value={url} onChange={(e) => setUrl(e.target.value)} className="mt-1" />
          </div>
          <Button type="submit" variant="secondary" disabled={!url.trim()}>
            Add page
          </Button>
        </form>

        {refused.length ? (
          <Notice tone="error" title={refused.length === 1 ? "1 file was not uploaded" : `${refused.length} files were not uploaded`}>
            <ul className="list-disc pl-5">
              {refused.map((r) => (
                <li key={r.key}>
                  <span className="font-medium">{r.name}</span>: {r.message}
                </li>
              ))}
            </ul>
          </Notice>
        ) : null}
        {reports.length ? (
          <ul aria-label="Uploads" aria-live="polite" className="space-y-1 text-sm" data-testid="upload-reports">
            {reports.map((r) => (
              <li key={r.key} className={r.state === "failed" ? "text-red-800" : "text-slate-700"}>
                <span className="font-medium">{r.name}</span>:{" "}
                {r.state === "uploading" ? "uploading…" : r.state === "failed" ? `not added. ${r.message ?? ""}` : r.message}
              </li>
            ))}
          </ul>
        ) : null}
      </CardBody>
    </Card>
  );
}
