/**
 * The browser's copy of the upload rules, so a wrong file is refused with its reason
 * before it is sent. The server (lib/rag/upload.ts, server-only) checks again and stays
 * the authority; tests/integration/dashboard-upload-rules.test.ts keeps the two in step.
 */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export const ACCEPTED_EXTENSIONS = ["pdf", "md", "markdown", "mdx", "html", "htm", "xhtml", "txt", "text"] as const;

export const ACCEPT_ATTRIBUTE = ACCEPTED_EXTENSIONS.map((e) => `.${e}`).join(",");

/** Why this file cannot be uploaded, or null when it can. */
export function uploadProblem(file: { name: string; size: number }): string | null {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (!extension || !(ACCEPTED_EXTENSIONS as readonly string[]).includes(extension)) {
    return `${extension ? `.${extension} files` : "Files without an extension"} can't be added. Upload a PDF, Markdown, HTML or plain-text file.`;
  }
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_FILE_BYTES) {
    return `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB.`;
  }
  return null;
}
