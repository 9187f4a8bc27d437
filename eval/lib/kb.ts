import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { OnError } from "./args";
import { InputError, readTextFile, type LineIssue } from "./input";
import { dropDuplicateIds, parseJsonl } from "./jsonl";

export type KbKind = "markdown" | "text" | "pdf" | "html";

/** One knowledge-base document, ready for the product's upload path. */
export interface KbDocument {
  /** The id questions' article_ids refer to (JSONL id, or the path relative to the folder). */
  id: string;
  title: string;
  kind: KbKind;
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

const KINDS: Record<string, { kind: KbKind; mimeType: string }> = {
  ".md": { kind: "markdown", mimeType: "text/markdown" },
  ".markdown": { kind: "markdown", mimeType: "text/markdown" },
  ".txt": { kind: "text", mimeType: "text/plain" },
  ".pdf": { kind: "pdf", mimeType: "application/pdf" },
  ".html": { kind: "html", mimeType: "text/html" },
  ".htm": { kind: "html", mimeType: "text/html" },
};

export const kbLineSchema = z.object({
  id: z.union([z.string().trim().min(1), z.number()]).transform(String),
  title: z.string().default(""),
  text: z.string().trim().min(1, "text is empty"),
  url: z.string().optional(),
});

/** Title as the Markdown heading (the product takes a document's title from it), text below. */
export function articleMarkdown(title: string, text: string): string {
  const t = title.trim();
  if (!t) return text;
  const body = text.startsWith(t) ? text.slice(t.length).replace(/^\s*\n/, "") : text;
  return `# ${t}\n\n${body}`;
}

async function loadJsonlKb(file: string, onError: OnError): Promise<{ docs: KbDocument[]; issues: LineIssue[] }> {
  const parsed = dropDuplicateIds(parseJsonl(await readTextFile(file, "KB file"), kbLineSchema, { file, onError }), { file, onError });
  const docs = parsed.records.map(({ value }) => ({
    id: value.id,
    title: value.title || value.id,
    kind: "markdown" as const,
    // The file name is the document's identity in the product: unique per id.
    fileName: `${value.id}.md`,
    mimeType: "text/markdown",
    data: new TextEncoder().encode(articleMarkdown(value.title, value.text)),
  }));
  return { docs, issues: parsed.issues };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

async function loadFolderKb(dir: string): Promise<{ docs: KbDocument[]; ignored: string[] }> {
  const docs: KbDocument[] = [];
  const ignored: string[] = [];
  for (const file of await listFiles(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join("/");
    const type = KINDS[path.extname(file).toLowerCase()];
    if (!type || rel.split("/").some((part) => part.startsWith("."))) {
      ignored.push(rel);
      continue;
    }
    const data = new Uint8Array(await readFile(file));
    docs.push({ id: rel, title: path.basename(rel, path.extname(rel)), kind: type.kind, fileName: rel, mimeType: type.mimeType, data });
  }
  if (docs.length === 0) throw new InputError("no .md, .txt, .pdf or .html files in this folder", dir);
  return { docs, ignored };
}

/**
 * Reads `--kb`: a JSONL file of `{id, title, text, url?}` or a folder of .md/.txt/.pdf/.html
 * files (searched recursively, id = path relative to the folder).
 */
export async function loadKb(kbPath: string, onError: OnError): Promise<{ docs: KbDocument[]; issues: LineIssue[]; ignored: string[] }> {
  const info = await stat(kbPath).catch(() => null);
  if (!info) throw new InputError("knowledge base not found (a .jsonl file or a folder)", kbPath);
  if (info.isDirectory()) return { ...(await loadFolderKb(kbPath)), issues: [] };
  const result = await loadJsonlKb(kbPath, onError);
  if (result.docs.length === 0) throw new InputError("no usable document in the knowledge base", kbPath);
  return { ...result, ignored: [] };
}
