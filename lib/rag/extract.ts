import { getDocumentProxy, getMeta } from "unpdf";
import { exceedsInflatedSize } from "./pdf-inflation";

export type DocumentKind = "pdf" | "markdown" | "text" | "html";

export type Section = { text: string; headingPath: string[]; page: number | null };

export type ExtractedDocument = { title: string | null; sections: Section[] };

export type ExtractionErrorCode =
  | "empty_file"
  | "encrypted_pdf"
  | "corrupt_pdf"
  | "no_text"
  | "unsupported_type"
  | "too_many_pages"
  | "too_much_text"
  | "too_many_chunks"
  | "inflates_too_much"
  | "extraction_timeout"
  | "extraction_memory"
  | "extraction_crashed"
  | "extraction_interrupted";

/** What one file may make the reader do; unset means unbounded (trusted input, tests). */
export interface ExtractionLimits {
  maxPages: number;
  maxTextChars: number;
  maxInflatedBytes: number;
}

const UNBOUNDED: ExtractionLimits = { maxPages: Infinity, maxTextChars: Infinity, maxInflatedBytes: Infinity };

/** An upload that cannot become text; `message` is written for the staff member who uploaded it. */
export class ExtractionError extends Error {
  readonly code: ExtractionErrorCode;

  constructor(code: ExtractionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExtractionError";
    this.code = code;
  }
}

const KIND_BY_EXTENSION: Record<string, DocumentKind> = {
  pdf: "pdf",
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  html: "html",
  htm: "html",
  xhtml: "html",
  txt: "text",
  text: "text",
};

const KIND_BY_MIME: Record<string, DocumentKind> = {
  "application/pdf": "pdf",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/plain": "text",
};

/**
 * The file name's extension wins over the MIME type: browsers report `.md` files as
 * text/plain or application/octet-stream, while the extension is what the user chose.
 */
export function detectKind(fileName: string | null | undefined, mimeType: string | null | undefined): DocumentKind {
  const extension = fileName?.match(/\.([a-z0-9]+)$/i)?.[1]?.toLowerCase();
  const fromExtension = extension ? KIND_BY_EXTENSION[extension] : undefined;
  if (fromExtension) return fromExtension;
  const mime = mimeType?.split(";")[0]?.trim().toLowerCase();
  const fromMime = mime ? KIND_BY_MIME[mime] : undefined;
  if (fromMime) return fromMime;
  const what = extension ? `.${extension} files` : mime ? `Files of type ${mime}` : "This file";
  throw new ExtractionError(
    "unsupported_type",
    `${what} can't be added to the knowledge base. Upload a PDF, Markdown, HTML or plain-text file.`,
  );
}

export function fileLabel(fileName: string | undefined): string {
  return fileName ? `"${fileName}"` : "The file";
}

export async function extractText(input: {
  kind: DocumentKind;
  data: Uint8Array;
  fileName?: string;
  limits?: ExtractionLimits;
}): Promise<ExtractedDocument> {
  const label = fileLabel(input.fileName);
  const limits = input.limits ?? UNBOUNDED;
  if (input.data.length === 0) throw new ExtractionError("empty_file", `${label} is empty.`);
  let doc: ExtractedDocument;
  if (input.kind === "pdf") {
    doc = await extractPdf(input.data, label, limits);
  } else {
    const text = decodeText(input.data);
    if (text.length > limits.maxTextChars) throw tooMuchText(label, limits);
    doc = extractTextual(input.kind, text);
  }
  const sections = doc.sections.filter((s) => s.text.trim() !== "");
  if (sections.length === 0) {
    throw new ExtractionError(
      "no_text",
      input.kind === "pdf"
        ? `${label} has no selectable text; it may be a scanned image. Upload a text-based PDF or run it through OCR first.`
        : `${label} contains no readable text.`,
    );
  }
  return { title: doc.title ?? titleFromFileName(input.fileName), sections };
}

function extractTextual(kind: Exclude<DocumentKind, "pdf">, text: string): ExtractedDocument {
  if (kind === "markdown") return extractMarkdown(text);
  if (kind === "html") return extractHtml(text);
  return { title: null, sections: [{ text: tidy(text), headingPath: [], page: null }] };
}

const count = (n: number) => n.toLocaleString("en-US");

function tooMuchText(label: string, limits: ExtractionLimits): ExtractionError {
  return new ExtractionError(
    "too_much_text",
    `${label} holds more than ${count(limits.maxTextChars)} characters of text, the limit per file. Split it into smaller files.`,
  );
}

async function extractPdf(data: Uint8Array, label: string, limits: ExtractionLimits): Promise<ExtractedDocument> {
  if (await exceedsInflatedSize(data, limits.maxInflatedBytes)) {
    throw new ExtractionError(
      "inflates_too_much",
      `${label} decompresses to more than ${Math.round(limits.maxInflatedBytes / 1024 / 1024)} MB, the limit per file; ` +
        "it is malformed or built to exhaust the reader. Export it again, or split it into smaller files.",
    );
  }
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js transfers (detaches) the buffer it is given; the caller's bytes must survive.
    pdf = await getDocumentProxy(data.slice(), { verbosity: 0 });
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException") {
      throw new ExtractionError("encrypted_pdf", `${label} is password-protected. Upload an unprotected copy.`, {
        cause: error,
      });
    }
    throw corruptPdfError(label, error);
  }
  try {
    if (pdf.numPages > limits.maxPages) {
      throw new ExtractionError(
        "too_many_pages",
        `${label} has ${count(pdf.numPages)} pages; the limit is ${count(limits.maxPages)} pages per file. Split it into smaller files.`,
      );
    }
    const { info } = await getMeta(pdf);
    const title = typeof info.Title === "string" && info.Title.trim() ? info.Title.trim() : null;
    const sections: Section[] = [];
    let chars = 0;
    // One page at a time (not all at once), so memory holds one page's parse, not the file's.
    for (let page = 1; page <= pdf.numPages; page++) {
      const pageText = await readPageText(pdf, page);
      chars += pageText.length;
      if (chars > limits.maxTextChars) throw tooMuchText(label, limits);
      // Rejoin words hyphenated across a line break by the PDF's layout.
      sections.push({ text: tidy(pageText.replace(/(\p{L})-\n(\p{Ll})/gu, "$1$2")), headingPath: [], page });
    }
    return { title, sections };
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw corruptPdfError(label, error);
  } finally {
    await pdf.loadingTask.destroy();
  }
}

async function readPageText(pdf: Awaited<ReturnType<typeof getDocumentProxy>>, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    return content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join("");
  } finally {
    page.cleanup();
  }
}

function corruptPdfError(label: string, cause: unknown): ExtractionError {
  return new ExtractionError(
    "corrupt_pdf",
    `${label} could not be read as a PDF; it may be damaged or not a PDF at all. Export it again and re-upload.`,
    { cause },
  );
}

/** UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252, the usual legacy encoding of exports. */
function decodeText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder("utf-16le").decode(data);
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder("utf-16be").decode(data);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return new TextDecoder("windows-1252").decode(data);
  }
}

/**
 * Normalises line endings, drops control characters (PostgreSQL text cannot hold NUL),
 * trims trailing spaces and keeps at most one blank line in a row.
 */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function titleFromFileName(fileName: string | undefined): string | null {
  const stem = fileName?.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "").trim();
  return stem ? stem : null;
}

/** Builds sections as headings arrive: a heading closes the running section and sets the path below it. */
class SectionBuilder {
  private readonly sections: Section[] = [];
  // Open headings by level; skipped levels (h1 → h3) simply leave no entry.
  private headings: Array<{ level: number; text: string }> = [];
  private buffer = "";

  heading(level: number, text: string): void {
    this.flush();
    this.headings = [...this.headings.filter((h) => h.level < level), { level, text }];
  }

  append(text: string): void {
    this.buffer += text;
  }

  endsLine(): boolean {
    return this.buffer === "" || this.buffer.endsWith("\n");
  }

  /** Starts a new line (or, with `blank`, a new paragraph) unless one was just started. */
  breakLine(blank = false): void {
    if (!this.endsLine()) this.buffer += "\n";
    if (blank && !this.buffer.endsWith("\n\n")) this.buffer += "\n";
  }

  finish(): Section[] {
    this.flush();
    return this.sections;
  }

  private flush(): void {
    const text = tidy(this.buffer);
    if (text) this.sections.push({ text, headingPath: this.headings.map((h) => h.text), page: null });
    this.buffer = "";
  }
}

function extractMarkdown(source: string): ExtractedDocument {
  let text = source.replace(/\r\n?/g, "\n");
  let title: string | null = null;
  const frontMatter = text.match(/^---\n([\s\S]*?)\n(?:---|\.\.\.)\n/);
  if (frontMatter) {
    title = frontMatter[1].match(/^title:\s*["']?(.*?)["']?\s*$/m)?.[1] || null;
    text = text.slice(frontMatter[0].length);
  }
  const lines = text.replace(/<!--[\s\S]*?-->/g, "").split("\n");
  const builder = new SectionBuilder();
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence !== null) {
      // Code is kept verbatim; only a matching fence of at least the same length closes it.
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = null;
      else builder.append(`${line}\n`);
      continue;
    }
    const open = line.match(/^ {0,3}(`{3,}|~{3,})/);
    const atx = line.match(/^ {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*$/);
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(lines[i + 1] ?? "");
    let heading: { level: number; text: string } | null = null;
    if (open) {
      fence = open[1];
      builder.append("\n");
    } else if (atx) {
      heading = { level: atx[1].length, text: renderInlineMarkdown(atx[2] ?? "") };
    } else if (setext && line.trim() && !/^ {0,3}(?:[-*+>]|\d+[.)])\s/.test(line)) {
      heading = { level: setext[1][0] === "=" ? 1 : 2, text: renderInlineMarkdown(line.trim()) };
      i++;
    } else if (/^ {0,3}\[[^\]]+\]:\s*\S/.test(line) || isTableDelimiterRow(line)) {
      continue;
    } else if (/^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(line)) {
      builder.append("\n");
    } else {
      builder.append(`${renderInlineMarkdown(stripBlockMarkers(line))}\n`);
    }
    if (heading?.text) {
      builder.heading(heading.level, heading.text);
      if (title === null && heading.level === 1) title = heading.text;
    }
  }
  return { title, sections: builder.finish() };
}

function isTableDelimiterRow(line: string): boolean {
  return line.includes("|") && /^[\s|:-]+$/.test(line) && line.includes("-");
}

/** Blockquote, list and table-row markers; the line's words stay. */
function stripBlockMarkers(line: string): string {
  let text = line.replace(/^ {0,3}(?:>[ \t]?)+/, "").replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, "");
  if (/^\s*\|/.test(text)) {
    text = text
      .replace(/^\s*\|/, "")
      .replace(/\|\s*$/, "")
      .split("|")
      .map((cell) => cell.trim())
      .join(" | ");
  }
  return text;
}

/** Links and images keep their text, emphasis and code markers go, code text stays. */
function renderInlineMarkdown(text: string): string {
  // Odd parts are code spans: their content must not be read as emphasis or links.
  return text
    .split(/(`+[^`]*?`+)/)
    .map((part, i) =>
      i % 2 === 1
        ? part.replace(/^`+\s?|\s?`+$/g, "")
        : decodeEntities(
            part
              .replace(/!\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)/g, "$1")
              .replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, "$1")
              .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
              .replace(/<((?:https?|mailto):[^>\s]+)>/g, "$1")
              .replace(/<\/?[a-zA-Z][^>]*>/g, "")
              .replace(/(\*{1,3})(?=\S)([^*]*?\S)\1/g, "$2")
              .replace(/(^|[^\p{L}\p{N}_])(_{1,3})(?=\S)([^_]*?\S)\2(?![\p{L}\p{N}_])/gu, "$1$3")
              .replace(/~~(?=\S)([^~]*?\S)~~/g, "$1")
              .replace(/\\([\\`*_{}[\]()#+\-.!|>~<])/g, "$1"),
          ),
    )
    .join("")
    .trim();
}

// Removed with their content: code, styling, and page chrome that is not the document.
const SKIPPED_HTML_ELEMENTS = /<(script|style|noscript|template|svg|nav|footer|iframe|object|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BLOCK_HTML_ELEMENTS = new Set(
  ("address article aside blockquote body caption dd details div dl dt fieldset figcaption figure form " +
    "header hr li main ol p pre section summary table tbody tfoot thead tr ul").split(" "),
);

function extractHtml(html: string): ExtractedDocument {
  const titleTag = html.match(/<title\b[^>]*>([\s\S]*?)<\/title\s*>/i);
  let title = titleTag ? collapseWhitespace(decodeEntities(titleTag[1].replace(/<[^>]*>/g, ""))) || null : null;
  const body = html.replace(/<!--[\s\S]*?-->/g, "").replace(SKIPPED_HTML_ELEMENTS, " ");
  const builder = new SectionBuilder();
  let heading: { level: number; text: string } | null = null;
  let preDepth = 0;
  const appendText = (raw: string) => {
    const decoded = decodeEntities(raw);
    if (heading) heading.text += decoded;
    else if (preDepth > 0) builder.append(decoded);
    else {
      const text = collapseWhitespace(decoded, false);
      builder.append(builder.endsLine() ? text.trimStart() : text);
    }
  };
  const tags = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*>|<![^>]*>|<\?[^>]*>/g;
  let last = 0;
  for (const match of body.matchAll(tags)) {
    appendText(body.slice(last, match.index));
    last = match.index + match[0].length;
    const closing = match[1] === "/";
    const name = match[2]?.toLowerCase();
    if (!name) continue;
    const level = /^h([1-6])$/.exec(name);
    if (level && !closing) {
      heading = { level: Number(level[1]), text: "" };
    } else if (level && closing && heading) {
      const text = collapseWhitespace(heading.text);
      if (text) {
        builder.heading(heading.level, text);
        if (title === null && heading.level === 1) title = text;
      }
      heading = null;
    } else if (name === "br") {
      if (heading) heading.text += " ";
      else builder.append("\n");
    } else if ((name === "td" || name === "th") && !closing) {
      if (!builder.endsLine()) builder.append(" | ");
    } else if (BLOCK_HTML_ELEMENTS.has(name)) {
      if (name === "pre") preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
      builder.breakLine(name !== "li" && name !== "tr");
    }
  }
  appendText(body.slice(last));
  return { title, sections: builder.finish() };
}

function collapseWhitespace(text: string, trim = true): string {
  const collapsed = text.replace(/[ \t\n\r\f\u00a0]+/g, " ");
  return trim ? collapsed.trim() : collapsed;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", shy: "", copy: "©", reg: "®",
  trade: "™", hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“",
  rdquo: "”", laquo: "«", raquo: "»", bull: "•", middot: "·", euro: "€", pound: "£", yen: "¥",
  cent: "¢", sect: "§", deg: "°", times: "×", divide: "÷", plusmn: "±", larr: "←", rarr: "→",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z][a-zA-Z0-9]*);/g, (entity, body: string) => {
    if (body[0] !== "#") return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? entity;
    const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : "\ufffd";
  });
}
