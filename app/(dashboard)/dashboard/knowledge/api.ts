import type { SourceSummary } from "@/lib/rag/sources";

/** The Control Center's calls to the knowledge-base API (same origin, session cookie). */

async function failure(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return new Error(body?.error?.message ?? `The server answered ${response.status}.`);
}

export async function fetchDocuments(): Promise<SourceSummary[]> {
  const response = await fetch("/api/documents", { cache: "no-store" });
  if (!response.ok) throw await failure(response);
  return ((await response.json()) as { documents: SourceSummary[] }).documents;
}

export async function uploadFile(file: File): Promise<SourceSummary[]> {
  const form = new FormData();
  form.append("file", file);
  const response = await fetch("/api/documents", { method: "POST", body: form });
  if (!response.ok) throw await failure(response);
  return ((await response.json()) as { documents: SourceSummary[] }).documents;
}

export async function addUrl(url: string): Promise<SourceSummary[]> {
  const response = await fetch("/api/documents", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url }),
  });
  if (!response.ok) throw await failure(response);
  return ((await response.json()) as { documents: SourceSummary[] }).documents;
}

export async function deleteDocument(id: string): Promise<void> {
  const response = await fetch(`/api/documents/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) throw await failure(response);
}
