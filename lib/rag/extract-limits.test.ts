import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { ExtractionError, extractText, type ExtractionLimits } from "@/lib/rag/extract";
import { exceedsInflatedSize } from "@/lib/rag/pdf-inflation";

const MB = 1024 * 1024;
const generous: ExtractionLimits = { maxPages: 1_000, maxTextChars: 1_000_000, maxInflatedBytes: 50 * MB };

async function extractionError(promise: Promise<unknown>): Promise<ExtractionError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractionError);
  return error as ExtractionError;
}

/** A PDF whose one stream has the given dictionary entries and (already encoded) body. */
function pdfWithStream(dict: string, body: Buffer): Uint8Array {
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Length ${body.length} ${dict} >>\nstream\n`, "latin1"),
      body,
      Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1"),
    ]),
  );
}

describe("exceedsInflatedSize", () => {
  it("catches a small PDF whose compressed content inflates past the limit", async () => {
    const bomb = buildPdf([["Hello"]], { compress: true, padContentBytes: 30 * MB });
    expect(bomb.length).toBeLessThan(100 * 1024); // 30 MB of content in a tiny file
    expect(await exceedsInflatedSize(bomb, 20 * MB)).toBe(true);
    expect(await exceedsInflatedSize(bomb, 40 * MB)).toBe(false);
  });

  it("sums every compressed stream, not just the largest", async () => {
    const pages = Array.from({ length: 12 }, (_, i) => [`Page ${i}`]);
    const pdf = buildPdf(pages, { compress: true, padContentBytes: 1 * MB });
    expect(await exceedsInflatedSize(pdf, 10 * MB)).toBe(true);
    expect(await exceedsInflatedSize(pdf, 13 * MB)).toBe(false);
  });

  it("follows chained Flate filters, the way a double-compressed bomb hides its size", async () => {
    const twice = deflateSync(deflateSync(Buffer.alloc(8 * MB, " ")));
    expect(await exceedsInflatedSize(pdfWithStream("/Filter [/FlateDecode /FlateDecode]", twice), 4 * MB)).toBe(true);
    // Counting only the first layer would see a few kilobytes.
    expect(await exceedsInflatedSize(pdfWithStream("/Filter [/FlateDecode /FlateDecode]", twice), 9 * MB)).toBe(false);
  });

  it("skips image streams, which text extraction never decodes, and tolerates damaged data", async () => {
    const image = deflateSync(Buffer.alloc(8 * MB));
    expect(await exceedsInflatedSize(pdfWithStream("/Subtype /Image /Filter /FlateDecode", image), 1 * MB)).toBe(false);
    // A truncated stream counts what decoded before the damage (about 200 KB here).
    const truncated = Buffer.from(deflateSync(Buffer.alloc(8 * MB, " ")).subarray(0, 200));
    expect(await exceedsInflatedSize(pdfWithStream("/Filter /FlateDecode", truncated), 100 * 1024)).toBe(true);
    expect(await exceedsInflatedSize(pdfWithStream("/Filter /FlateDecode", truncated), 1 * MB)).toBe(false);
    expect(await exceedsInflatedSize(pdfWithStream("/Filter /FlateDecode", Buffer.from("not zlib at all")), 1)).toBe(false);
  });

  it("passes ordinary PDFs, compressed or not", async () => {
    const pages = Array.from({ length: 20 }, (_, i) => [`Chapter ${i}`, "Refunds take five working days."]);
    expect(await exceedsInflatedSize(buildPdf(pages), 1 * MB)).toBe(false);
    expect(await exceedsInflatedSize(buildPdf(pages, { compress: true }), 1 * MB)).toBe(false);
  });
});

describe("extraction limits", () => {
  it("refuses a PDF with more pages than allowed, naming the count and the limit", async () => {
    const pages = Array.from({ length: 1_500 }, () => [] as string[]);
    const error = await extractionError(
      extractText({ kind: "pdf", data: buildPdf(pages), fileName: "pages.pdf", limits: generous }),
    );
    expect(error.code).toBe("too_many_pages");
    expect(error.message).toBe('"pages.pdf" has 1,500 pages; the limit is 1,000 pages per file. Split it into smaller files.');
  });

  it("refuses a decompression bomb before parsing it", async () => {
    const bomb = buildPdf([["Hello"]], { compress: true, padContentBytes: 60 * MB });
    const error = await extractionError(extractText({ kind: "pdf", data: bomb, fileName: "bomb.pdf", limits: generous }));
    expect(error.code).toBe("inflates_too_much");
    expect(error.message).toMatch(/^"bomb\.pdf" decompresses to more than 50 MB, the limit per file/);
  });

  it("stops reading once the text passes the limit, for PDFs and text files alike", async () => {
    const limits = { ...generous, maxTextChars: 5_000 };
    const pages = Array.from({ length: 10 }, (_, i) => Array.from({ length: 20 }, () => `Line of page ${i} with some words in it.`));
    const pdf = await extractionError(extractText({ kind: "pdf", data: buildPdf(pages), fileName: "long.pdf", limits }));
    expect(pdf).toMatchObject({ code: "too_much_text" });
    expect(pdf.message).toMatch(/more than 5,000 characters/);
    const text = new TextEncoder().encode("word ".repeat(2_000));
    expect(await extractionError(extractText({ kind: "markdown", data: text, fileName: "long.md", limits }))).toMatchObject({
      code: "too_much_text",
    });
  });

  it("reads files within the limits as before", async () => {
    const doc = await extractText({ kind: "pdf", data: buildPdf([["Refunds take five days."], ["Page two."]], { compress: true }), limits: generous });
    expect(doc.sections.map((s) => [s.page, s.text])).toEqual([
      [1, "Refunds take five days."],
      [2, "Page two."],
    ]);
  });
});
