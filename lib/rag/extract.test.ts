import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { detectKind, ExtractionError, extractText } from "@/lib/rag/extract";

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("detectKind", () => {
  it("prefers a known extension over a generic MIME type", () => {
    expect(detectKind("guide.md", "text/plain")).toBe("markdown");
    expect(detectKind("guide.MARKDOWN", "application/octet-stream")).toBe("markdown");
    expect(detectKind("page.htm", null)).toBe("html");
    expect(detectKind("notes.txt", undefined)).toBe("text");
  });

  it("falls back to the MIME type, ignoring parameters", () => {
    expect(detectKind("upload", "application/pdf")).toBe("pdf");
    expect(detectKind(null, "text/html; charset=utf-8")).toBe("html");
    expect(detectKind("README", "text/markdown")).toBe("markdown");
  });

  it("rejects other types with a message naming what is accepted", () => {
    const error = catchError(() => detectKind("contract.docx", "application/vnd.openxmlformats"));
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error.code).toBe("unsupported_type");
    expect(error.message).toContain(".docx");
    expect(error.message).toMatch(/PDF, Markdown, HTML or plain-text/);
    expect(catchError(() => detectKind("photo", "image/png")).message).toContain("image/png");
  });
});

describe("extractText: markdown", () => {
  const markdown = [
    "---",
    "title: Help Center",
    "---",
    "Welcome to the [help center](https://example.com/help_(v2)).",
    "",
    "# Billing",
    "You can pay by **card** or _bank transfer_; see `invoice_id` and snake_case_names.",
    "",
    "## Refunds",
    "- Refunds take 5 days.",
    "- ![Refund form](form.png) is online.",
    "",
    "```js",
    "# not a heading",
    "refund(*order*)",
    "```",
    "",
    "Setext subheading",
    "-----------------",
    "Under it &amp; more.",
    "",
    "# Accounts",
    "Close your account in settings.",
  ].join("\n");

  it("turns headings into heading paths and strips markup but keeps link and code text", async () => {
    const doc = await extractText({ kind: "markdown", data: utf8(markdown) });
    expect(doc.title).toBe("Help Center");
    expect(doc.sections).toEqual([
      { text: "Welcome to the help center.", headingPath: [], page: null },
      {
        text: "You can pay by card or bank transfer; see invoice_id and snake_case_names.",
        headingPath: ["Billing"],
        page: null,
      },
      {
        text: "Refunds take 5 days.\nRefund form is online.\n\n# not a heading\nrefund(*order*)",
        headingPath: ["Billing", "Refunds"],
        page: null,
      },
      { text: "Under it & more.", headingPath: ["Billing", "Setext subheading"], page: null },
      { text: "Close your account in settings.", headingPath: ["Accounts"], page: null },
    ]);
  });

  it("takes the title from the first level-1 heading without front matter", async () => {
    const doc = await extractText({ kind: "markdown", data: utf8("Intro\n\n## Setup\nText\n\n# Real title\nBody") });
    expect(doc.title).toBe("Real title");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([[], ["Setup"], ["Real title"]]);
  });
});

describe("extractText: html", () => {
  const html = `<!doctype html><html><head><title>Support &amp; Help</title>
    <style>h1 { color: red }</style><script>document.write("<h1>Injected</h1>")</script></head>
    <body><nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
    <h1>Billing</h1><p>Pay   with&nbsp;card &#8212; or
    cash &#x2713;.</p>
    <h3>Refunds <small>(EU)</small></h3><ul><li>Within 14 days</li><li>Original method</li></ul>
    <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>&euro;10</td></tr></table>
    <h2>Invoices</h2><p>Line one<br>line two</p><script>track("<h2>Tracked</h2>")</script><footer>© Example Ltd</footer></body></html>`;

  it("drops scripts, styles and navigation, decodes entities and builds heading paths", async () => {
    const doc = await extractText({ kind: "html", data: utf8(html) });
    expect(doc.title).toBe("Support & Help");
    expect(doc.sections).toEqual([
      { text: "Pay with card — or cash ✓.", headingPath: ["Billing"], page: null },
      {
        text: "Within 14 days\nOriginal method\n\nPlan | Price\nPro | €10",
        headingPath: ["Billing", "Refunds (EU)"],
        page: null,
      },
      { text: "Line one\nline two", headingPath: ["Billing", "Invoices"], page: null },
    ]);
    const allText = doc.sections.map((s) => s.text).join(" ");
    expect(allText).not.toMatch(/Injected|Tracked|track|color|Home|Example Ltd/);
  });

  it("uses the first h1 as title when there is no <title>", async () => {
    const doc = await extractText({ kind: "html", data: utf8("<h1>FAQ</h1><p>Q and A</p>") });
    expect(doc.title).toBe("FAQ");
  });
});

describe("extractText: text", () => {
  it("returns one section, normalising line endings and dropping the BOM and NUL bytes", async () => {
    const doc = await extractText({ kind: "text", data: utf8("\ufeffLine 1\r\nLine\u0000 2\r\n\r\n\r\n\r\nEnd  \r\n"), fileName: "notes.txt" });
    expect(doc).toEqual({ title: "notes", sections: [{ text: "Line 1\nLine 2\n\nEnd", headingPath: [], page: null }] });
  });

  it("reads legacy Windows-1252 files instead of producing replacement characters", async () => {
    const latin1 = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]); // "Café €5"
    const doc = await extractText({ kind: "text", data: latin1 });
    expect(doc.sections[0].text).toBe("Café €5");
  });

  it("rejects empty and blank files with distinct codes", async () => {
    await expect(extractText({ kind: "text", data: new Uint8Array(0), fileName: "a.txt" })).rejects.toMatchObject({
      code: "empty_file",
      message: '"a.txt" is empty.',
    });
    await expect(extractText({ kind: "markdown", data: utf8("  \n\n# Only a heading\n") })).rejects.toMatchObject({
      code: "no_text",
    });
  });
});

describe("extractText: pdf", () => {
  it("extracts each page as a section with its page number and the document title", async () => {
    const pdf = buildPdf([["Refund policy", "Refunds take five days."], ["Shipping (worldwide)", "Orders ship in 24 hours."]], {
      title: "Store Handbook",
    });
    const size = pdf.length;
    const doc = await extractText({ kind: "pdf", data: pdf, fileName: "handbook.pdf" });
    expect(pdf.length).toBe(size); // the caller's bytes are not detached by PDF.js
    expect(doc.title).toBe("Store Handbook");
    expect(doc.sections).toEqual([
      { text: "Refund policy\nRefunds take five days.", headingPath: [], page: 1 },
      { text: "Shipping (worldwide)\nOrders ship in 24 hours.", headingPath: [], page: 2 },
    ]);
  });

  it("falls back to the file name for the title and skips blank pages", async () => {
    const doc = await extractText({ kind: "pdf", data: buildPdf([[], ["Only page two"]]), fileName: "scan 2024.pdf" });
    expect(doc.title).toBe("scan 2024");
    expect(doc.sections).toEqual([{ text: "Only page two", headingPath: [], page: 2 }]);
  });

  it("reports a password-protected PDF as encrypted_pdf", async () => {
    const error = await extractText({ kind: "pdf", data: buildPdf([["Secret"]], { userPassword: "letmein" }), fileName: "secret.pdf" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExtractionError);
    expect(error).toMatchObject({ code: "encrypted_pdf" });
    expect((error as Error).message).toBe('"secret.pdf" is password-protected. Upload an unprotected copy.');
  });

  it("reads a PDF encrypted with an empty user password (permissions-only protection)", async () => {
    const doc = await extractText({ kind: "pdf", data: buildPdf([["Printable but locked"]], { userPassword: "" }) });
    expect(doc.sections[0].text).toBe("Printable but locked");
  });

  it("reports garbage and truncated files as corrupt_pdf", async () => {
    const valid = buildPdf([["Hello"]]);
    for (const data of [Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), valid.slice(0, 60), utf8("<html>not a pdf</html>")]) {
      await expect(extractText({ kind: "pdf", data })).rejects.toMatchObject({ code: "corrupt_pdf" });
    }
  });

  it("reports a PDF without any text as no_text, hinting at scans", async () => {
    await expect(extractText({ kind: "pdf", data: buildPdf([[]]) })).rejects.toMatchObject({
      code: "no_text",
      message: expect.stringContaining("scanned"),
    });
  });
});

function catchError(fn: () => unknown): ExtractionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExtractionError) return error;
    throw error;
  }
  throw new Error("expected an ExtractionError");
}

/**
 * Writes a minimal PDF 1.4 by hand: one Helvetica text line per entry, correct xref
 * offsets. With `userPassword` it applies the standard security handler (revision 2,
 * 40-bit RC4): the /U entry is derived from that password and every content stream is
 * encrypted, so a reader needs the password exactly as with a real protected file.
 */
function buildPdf(pages: string[][], opts: { title?: string; userPassword?: string } = {}): Uint8Array {
  const objects: Array<string | { dict: string; stream: Uint8Array }> = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i * 2} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  pages.forEach((lines, i) => {
    const ops = lines.map((line, j) => `BT /F1 12 Tf 72 ${720 - j * 20} Td (${line.replace(/([()\\])/g, "\\$1")}) Tj ET`);
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
    objects.push({ dict: "", stream: utf8(ops.join("\n")) });
  });
  const fileId = "0123456789abcdef0123456789abcdef";
  let trailerExtra = "";
  let objectKey: ((objectNumber: number) => Uint8Array) | null = null;
  if (opts.userPassword !== undefined) {
    const security = standardSecurityR2(opts.userPassword, "owner-secret", Buffer.from(fileId, "hex"));
    objectKey = security.objectKey;
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${security.o}> /U <${security.u}> /P -4 >>`);
    trailerExtra += ` /Encrypt ${objects.length} 0 R`;
  }
  if (opts.title) {
    objects.push(`<< /Title (${opts.title}) >>`);
    trailerExtra += ` /Info ${objects.length} 0 R`;
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  const write = (chunk: string | Uint8Array) => {
    const bytes = typeof chunk === "string" ? utf8(chunk) : chunk;
    parts.push(bytes);
    length += bytes.length;
  };
  write("%PDF-1.4\n");
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(length);
    write(`${i + 1} 0 obj\n`);
    if (typeof object === "string") write(object);
    else {
      const stream = objectKey ? rc4(objectKey(i + 1), object.stream) : object.stream;
      write(`<< /Length ${stream.length} >>\nstream\n`);
      write(stream);
      write("\nendstream");
    }
    write("\nendobj\n");
  });
  const xref = length;
  write(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) write(`${String(offset).padStart(10, "0")} 00000 n \n`);
  write(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /ID [<${fileId}> <${fileId}>]${trailerExtra} >>\n`);
  write(`startxref\n${xref}\n%%EOF\n`);
  const pdf = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    pdf.set(part, at);
    at += part.length;
  }
  return pdf;
}

// PDF 1.7 (ISO 32000-1) §7.6.3, algorithms 2, 3 and 4 for revision 2.
const PASSWORD_PADDING = Buffer.from("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A", "hex");

function standardSecurityR2(userPassword: string, ownerPassword: string, fileId: Buffer) {
  const pad = (password: string) => Buffer.concat([Buffer.from(password, "latin1"), PASSWORD_PADDING]).subarray(0, 32);
  const md5 = (...parts: Uint8Array[]) => {
    const hash = createHash("md5");
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  const o = rc4(md5(pad(ownerPassword)).subarray(0, 5), pad(userPassword));
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-4);
  const fileKey = md5(pad(userPassword), o, permissions, fileId).subarray(0, 5);
  const u = rc4(fileKey, PASSWORD_PADDING);
  const objectKey = (objectNumber: number) =>
    md5(fileKey, Uint8Array.from([objectNumber & 0xff, (objectNumber >> 8) & 0xff, (objectNumber >> 16) & 0xff, 0, 0])).subarray(0, 10);
  return { o: Buffer.from(o).toString("hex"), u: Buffer.from(u).toString("hex"), objectKey };
}

function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}
