import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "./input";
import { articleMarkdown, loadKb } from "./kb";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kb-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("articleMarkdown", () => {
  it("puts the title in a heading without repeating a title the text starts with", () => {
    expect(articleMarkdown("Refunds", "Refunds\nBody text")).toBe("# Refunds\n\nBody text");
    expect(articleMarkdown("Refunds", "Body text")).toBe("# Refunds\n\nBody text");
    expect(articleMarkdown("", "Body")).toBe("Body");
  });
});

describe("loadKb", () => {
  it("reads a folder recursively, ids are relative paths, other files are ignored", async () => {
    const folder = path.join(dir, "docs");
    await mkdir(path.join(folder, "guides"), { recursive: true });
    await writeFile(path.join(folder, "a.md"), "# A");
    await writeFile(path.join(folder, "guides", "b.html"), "<h1>B</h1>");
    await writeFile(path.join(folder, "notes.csv"), "x");
    const kb = await loadKb(folder, "fail");
    expect(kb.docs.map((d) => [d.id, d.kind])).toEqual([["a.md", "markdown"], ["guides/b.html", "html"]]);
    expect(kb.ignored).toEqual(["notes.csv"]);
  });

  it("reads JSONL into Markdown documents, reporting bad lines by number", async () => {
    const file = path.join(dir, "kb.jsonl");
    await writeFile(file, '{"id":"x1","title":"Title","text":"Body"}\n{"id":"x2","title":"No text","text":""}\n');
    const kb = await loadKb(file, "skip");
    expect(kb.docs).toHaveLength(1);
    expect(kb.docs[0]).toMatchObject({ id: "x1", fileName: "x1.md", kind: "markdown" });
    expect(new TextDecoder().decode(kb.docs[0].data)).toBe("# Title\n\nBody");
    expect(kb.issues).toEqual([{ line: 2, message: "text: text is empty" }]);
    await expect(loadKb(file, "fail")).rejects.toThrow(/kb\.jsonl:2: text: text is empty/);
  });

  it("fails clearly on a missing path or a folder with nothing to ingest", async () => {
    await expect(loadKb(path.join(dir, "missing"), "fail")).rejects.toThrow(InputError);
    const empty = path.join(dir, "empty");
    await mkdir(empty);
    await expect(loadKb(empty, "fail")).rejects.toThrow(/no \.md, \.txt, \.pdf or \.html files/);
  });
});
