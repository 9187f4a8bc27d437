import { describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { chunkDocument } from "@/lib/rag/chunk";
import { ExtractionError, extractText } from "@/lib/rag/extract";
import { extractInSandbox, ingestLimits, type IngestLimits } from "@/lib/rag/extract-sandbox";

const MB = 1024 * 1024;

async function sandboxError(input: Parameters<typeof extractInSandbox>[0], limits: IngestLimits): Promise<ExtractionError> {
  const error = await extractInSandbox(input, limits).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractionError);
  return error as ExtractionError;
}

function handbook(pages: number): Uint8Array {
  return buildPdf(
    Array.from({ length: pages }, (_, p) => [`Chapter ${p + 1}`, ...Array.from({ length: 30 }, (_, l) => `Rule ${p}.${l}: parcels are weighed, labelled and tracked.`)]),
    { title: "Handbook", compress: true },
  );
}

describe("extractInSandbox", () => {
  it("returns exactly the chunks in-process extraction makes", async () => {
    const data = handbook(6);
    const expected = chunkDocument(await extractText({ kind: "pdf", data }));
    const result = await extractInSandbox({ kind: "pdf", data, fileName: "handbook.pdf" });
    expect(result.title).toBe("Handbook");
    expect(result.chunks).toEqual(expected);
  });

  it("has defaults that refuse the reported hostile files: 50,000 tiny pages, a 0.2 MB file inflating to 200 MB", async () => {
    const limits = ingestLimits();
    const tinyPages = buildPdf(Array.from({ length: 50_000 }, () => [] as string[]));
    expect(await sandboxError({ kind: "pdf", data: tinyPages, fileName: "tiny.pdf" }, limits)).toMatchObject({
      code: "too_many_pages",
      message: expect.stringContaining("50,000 pages; the limit is 3,000 pages per file"),
    });
    const bomb = buildPdf([["Hello"]], { compress: true, padContentBytes: 200 * MB });
    expect(bomb.length).toBeLessThan(250 * 1024);
    expect(await sandboxError({ kind: "pdf", data: bomb, fileName: "bomb.pdf" }, limits)).toMatchObject({
      code: "inflates_too_much",
      message: expect.stringContaining("decompresses to more than 100 MB"),
    });
  });

  it("refuses a file that makes more chunks than allowed", async () => {
    const error = await sandboxError({ kind: "pdf", data: handbook(12), fileName: "many.pdf" }, { ...ingestLimits(), maxChunks: 5 });
    expect(error).toMatchObject({ code: "too_many_chunks", message: '"many.pdf" would make more than 5 passages, the limit per file. Split it into smaller files.' });
  });

  it("kills a reader that runs past the time limit", async () => {
    const error = await sandboxError({ kind: "pdf", data: handbook(400), fileName: "slow.pdf" }, { ...ingestLimits(), timeoutMs: 300 });
    expect(error.code).toBe("extraction_timeout");
    expect(error.message).toBe('Reading "slow.pdf" took longer than 0.3 seconds, the limit per file, so it was stopped. Split it into smaller files.');
  });

  it("kills a reader that passes the memory limit, while this process's memory stays put", async () => {
    // With the decompression check off, the reader really inflates 300 MB: only the memory limit stops it.
    const bomb = buildPdf([["Hello"]], { compress: true, padContentBytes: 300 * MB });
    const rssBefore = process.memoryUsage().rss;
    const error = await sandboxError(
      { kind: "pdf", data: bomb, fileName: "bomb.pdf" },
      { ...ingestLimits(), maxInflatedBytes: Number.MAX_SAFE_INTEGER, memoryMb: 256 },
    );
    expect(error.code).toBe("extraction_memory");
    expect(error.message).toMatch(/^Reading "bomb\.pdf" needed more than 256 MB of memory, the limit per file/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
  });
});
