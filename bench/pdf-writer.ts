import { deflateSync } from "node:zlib";

/**
 * Writes a PDF 1.4 by hand (no package): Helvetica text, one content stream per page,
 * an Info dictionary and a correct cross-reference table. Used by bench:ingest and by
 * the knowledge tests to make real PDFs of any size, hostile ones included.
 */
export interface PdfOptions {
  title?: string;
  /** Adds a Standard security handler whose password nobody knows (an "encrypted" PDF). */
  encrypted?: boolean;
  /** Flate-compresses each page's content stream (as most real PDFs do). */
  compress?: boolean;
  /**
   * Appends this many spaces to each page's content stream: with `compress`, a few
   * hundred kilobytes that inflate to this size (a decompression bomb).
   */
  padContentBytes?: number;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const LINE_HEIGHT = 14;

function pdfString(text: string): string {
  // Helvetica with WinAnsi covers Latin-1; anything else becomes "?".
  const latin1 = text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
  return `(${latin1.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function contentStream(lines: string[]): string {
  if (lines.length === 0) return "";
  const body = lines.map((line, i) => `${i === 0 ? "" : "T* "}${pdfString(line)} Tj`).join("\n");
  return `BT\n/F1 11 Tf\n${LINE_HEIGHT} TL\n50 ${PAGE_HEIGHT - 60} Td\n${body}\nET`;
}

/** One entry per page, each a list of text lines (an empty list makes a page with no text). */
export function buildPdf(pages: string[][], options: PdfOptions = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1; // object numbers start at 1
  const catalog = add("");
  const pagesRoot = add("");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const kids: number[] = [];
  for (const lines of pages) {
    let body = Buffer.from(contentStream(lines), "latin1");
    if (options.padContentBytes) body = Buffer.concat([body, Buffer.alloc(options.padContentBytes, " ")]);
    if (options.compress) body = deflateSync(body, { level: 9 });
    const stream = body.toString("latin1");
    const filter = options.compress ? " /Filter /FlateDecode" : "";
    const content = add(`<< /Length ${Buffer.byteLength(stream, "latin1")}${filter} >>\nstream\n${stream}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesRoot} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
          `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesRoot} 0 R >>`;
  objects[pagesRoot - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  const info = add(`<< /Title ${pdfString(options.title ?? "")} /Producer (bench pdf-writer) >>`);
  const encrypt = options.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> >>`)
    : null;

  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  const id = "0123456789abcdef0123456789abcdef";
  out +=
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R` +
    `${encrypt ? ` /Encrypt ${encrypt} 0 R` : ""} /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}
