import { describe, expect, it } from "vitest";
import { chunkDocument, chunkSections, type Chunk } from "@/lib/rag/chunk";
import type { Section } from "@/lib/rag/extract";

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Sentences of distinct words (s3w0 … s3w11) so every word's origin is traceable. */
function sentences(count: number, wordsEach = 12, prefix = "s"): string {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: wordsEach }, (_, w) => `${prefix}${i}w${w}`).join(" ") + ".",
  ).join(" ");
}

function bodyOf(chunk: Chunk, heading: string): string {
  expect(chunk.content.startsWith(`${heading}\n\n`)).toBe(true);
  return chunk.content.slice(heading.length + 2);
}

describe("chunkDocument", () => {
  it("keeps every chunk within the target size (words ≈ 0.75 × tokens) and fills non-final chunks", () => {
    const text = [sentences(30), sentences(25, 9, "p"), sentences(40, 15, "q")].join("\n\n");
    const chunks = chunkDocument({ title: null, sections: [{ text, headingPath: ["Guide"], page: null }] });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(wordCount(chunk.content)).toBeLessThanOrEqual(225);
    for (const chunk of chunks.slice(0, -1)) expect(wordCount(chunk.content)).toBeGreaterThanOrEqual(150);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
  });

  it("overlaps consecutive chunks of a section by whole trailing sentences", () => {
    const chunks = chunkDocument(
      { title: null, sections: [{ text: sentences(40), headingPath: ["Refunds"], page: null }] },
      { targetTokens: 100, overlapTokens: 20 },
    );
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const previous = bodyOf(chunks[i - 1], "Refunds");
      const current = bodyOf(chunks[i], "Refunds");
      const firstSentence = current.slice(0, current.indexOf(".") + 1);
      expect(wordCount(firstSentence)).toBeLessThanOrEqual(15);
      expect(previous.endsWith(firstSentence)).toBe(true);
    }
  });

  it("adds no overlap when overlapTokens is 0 and still covers every word exactly once", () => {
    const text = sentences(40);
    const chunks = chunkDocument(
      { title: null, sections: [{ text, headingPath: [], page: null }] },
      { targetTokens: 100, overlapTokens: 0 },
    );
    expect(chunks.map((c) => c.content).join(" ")).toBe(text);
  });

  it("splits an over-long sentence at word boundaries, never inside a word", () => {
    const words = Array.from({ length: 700 }, (_, i) => `token${i}`);
    const chunks = chunkDocument({ title: null, sections: [{ text: words.join(" "), headingPath: [], page: 3 }] });
    const known = new Set(words);
    const seen = new Set<string>();
    for (const chunk of chunks) {
      expect(wordCount(chunk.content)).toBeLessThanOrEqual(225);
      for (const word of chunk.content.split(/\s+/)) {
        expect(known.has(word)).toBe(true);
        seen.add(word);
      }
      expect(chunk.page).toBe(3);
    }
    expect(seen.size).toBe(words.length);
  });

  it("starts each chunk with its nearest heading and carries the heading path", () => {
    const chunks = chunkDocument(
      {
        title: null,
        sections: [
          { text: sentences(30), headingPath: ["Billing", "Refunds"], page: null },
          { text: "Invoices are emailed monthly.", headingPath: ["Accounts", "Invoices"], page: null },
        ],
      },
      { targetTokens: 120, overlapTokens: 20 },
    );
    const refunds = chunks.filter((c) => c.headingPath.join("/") === "Billing/Refunds");
    expect(refunds.length).toBeGreaterThan(2);
    for (const chunk of refunds) expect(chunk.content.startsWith("Refunds\n\ns")).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      content: "Invoices\n\nInvoices are emailed monthly.",
      headingPath: ["Accounts", "Invoices"],
    });
  });

  it("merges small sections under one top-level heading but never across top-level headings or pages", () => {
    const chunks = chunkDocument({
      title: null,
      sections: [
        { text: "Cards are free.", headingPath: ["Pricing", "Cards"], page: null },
        { text: "Transfers cost 1%.", headingPath: ["Pricing", "Transfers"], page: null },
        { text: "Log in with email.", headingPath: ["Security"], page: null },
        { text: "Page one text.", headingPath: [], page: 1 },
        { text: "Page two text.", headingPath: [], page: 2 },
      ],
    });
    expect(chunks.map(({ content, headingPath, page }) => ({ content, headingPath, page }))).toEqual([
      { content: "Cards\n\nCards are free.\n\nTransfers\n\nTransfers cost 1%.", headingPath: ["Pricing"], page: null },
      { content: "Security\n\nLog in with email.", headingPath: ["Security"], page: null },
      { content: "Page one text.", headingPath: [], page: 1 },
      { content: "Page two text.", headingPath: [], page: 2 },
    ]);
  });

  it("keeps paragraph breaks and line breaks of sentences kept whole", () => {
    const [chunk] = chunkDocument({
      title: null,
      sections: [{ text: "Steps:\n- open settings\n- tap Close\n\nDone. Really done.", headingPath: [], page: null }],
    });
    expect(chunk.content).toBe("Steps:\n- open settings\n- tap Close\n\nDone. Really done.");
  });

  it("does not repeat a heading the section text already starts with", () => {
    const [chunk] = chunkDocument({
      title: null,
      sections: [{ text: "FAQ\nAsk us anything.", headingPath: ["FAQ"], page: null }],
    });
    expect(chunk.content).toBe("FAQ\n\nAsk us anything.");
  });

  it("rejects sizes that cannot make progress", () => {
    const doc = { title: null, sections: [{ text: "x", headingPath: [], page: null }] };
    expect(() => chunkDocument(doc, { targetTokens: 5 })).toThrow(RangeError);
    expect(() => chunkDocument(doc, { targetTokens: 100, overlapTokens: 60 })).toThrow(RangeError);
    expect(() => chunkSections(doc.sections, { targetTokens: 0 })).toThrow(RangeError);
  });
});

describe("chunkSections", () => {
  it("yields chunks while sections are still being produced", () => {
    let produced = 0;
    function* pages(): Generator<Section> {
      for (let page = 1; page <= 200; page++) {
        produced++;
        yield { text: sentences(30, 12, `pg${page}s`), headingPath: [], page };
      }
    }
    const chunks = chunkSections(pages());
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ index: 0, page: 1 });
    expect(produced).toBeLessThanOrEqual(2);
    let last: Chunk | undefined;
    for (const chunk of chunks) last = chunk;
    expect(produced).toBe(200);
    expect(last?.page).toBe(200);
  });
});
