import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "./input";
import { dropDuplicateIds, parseJsonl } from "./jsonl";

const schema = z.object({ id: z.string(), question: z.string().min(1) });
const text = ['{"id":"a","question":"one"}', "", "{not json", '{"id":"b"}', '{"id":"c","question":"three"}'].join("\r\n");

describe("parseJsonl", () => {
  it("keeps valid lines with their 1-based line numbers and skips blank ones", () => {
    const parsed = parseJsonl(text, schema, { file: "q.jsonl", onError: "skip" });
    expect(parsed.records).toEqual([
      { line: 1, value: { id: "a", question: "one" } },
      { line: 5, value: { id: "c", question: "three" } },
    ]);
  });

  it("reports each bad line with its number and reason under skip", () => {
    const { issues } = parseJsonl(text, schema, { file: "q.jsonl", onError: "skip" });
    expect(issues.map((i) => i.line)).toEqual([3, 4]);
    expect(issues[0].message).toMatch(/^invalid JSON/);
    expect(issues[1].message).toMatch(/^question:/);
  });

  it("fails on the first bad line under fail, naming file and line", () => {
    let error: unknown;
    try {
      parseJsonl(text, schema, { file: "q.jsonl", onError: "fail" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(3);
    expect((error as Error).message).toMatch(/^q\.jsonl:3: invalid JSON/);
  });

  it("ignores a byte-order mark", () => {
    expect(parseJsonl('\uFEFF{"id":"a","question":"x"}', schema, { file: "f", onError: "fail" }).records).toHaveLength(1);
  });
});

describe("dropDuplicateIds", () => {
  it("keeps the first occurrence and reports later ones", () => {
    const parsed = parseJsonl('{"id":"a","question":"1"}\n{"id":"a","question":"2"}', schema, { file: "f", onError: "skip" });
    const deduped = dropDuplicateIds(parsed, { file: "f", onError: "skip" });
    expect(deduped.records.map((r) => r.value.question)).toEqual(["1"]);
    expect(deduped.issues).toEqual([{ line: 2, message: 'duplicate id "a" (first on line 1)' }]);
    expect(() => dropDuplicateIds(parsed, { file: "f", onError: "fail" })).toThrow(/f:2: duplicate id/);
  });
});
