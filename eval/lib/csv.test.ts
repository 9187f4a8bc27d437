import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { InputError } from "./input";

const required = ["text", "category"] as const;
const parse = (text: string, onError: "skip" | "fail" = "skip") => parseCsv(text, { file: "d.csv", onError, required });

describe("parseCsv", () => {
  it("reads quoted fields with commas, escaped quotes and line breaks, keeping start lines", () => {
    const csv = 'text,category\n"Hello, ""world""",greet\n"two\nlines",multi\nplain,last\n';
    expect(parse(csv).rows).toEqual([
      { line: 2, value: { text: 'Hello, "world"', category: "greet" } },
      { line: 3, value: { text: "two\nlines", category: "multi" } },
      { line: 5, value: { text: "plain", category: "last" } },
    ]);
  });

  it("handles CRLF line ends and extra columns", () => {
    expect(parse("id,text,category\r\n1,a,b\r\n2,c,d").rows.map((r) => r.value)).toEqual([
      { text: "a", category: "b" },
      { text: "c", category: "d" },
    ]);
  });

  it("fails before reading rows when a required column is missing", () => {
    expect(() => parseCsv("text,label\na,b\n", { file: "d.csv", onError: "skip", required })).toThrow(/d\.csv:1: missing column\(s\) "category"/);
  });

  it("reports rows with a wrong field count or an empty value, with their line numbers", () => {
    const { rows, issues } = parse("text,category\na,b,c\n,x\nok,fine\n");
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(issues).toEqual([
      { line: 2, message: "expected 2 fields, found 3" },
      { line: 3, message: "empty value in column(s) text" },
    ]);
  });

  it("resumes on the next line after an unterminated quote", () => {
    const { rows, issues } = parse('text,category\n"broken,x\nok,fine\n');
    expect(issues).toEqual([{ line: 2, message: "unterminated quoted field" }]);
    expect(rows).toEqual([{ line: 3, value: { text: "ok", category: "fine" } }]);
  });

  it("reports text after a closing quote", () => {
    const { rows, issues } = parse('text,category\n"a"b,x\nok,fine\n');
    expect(issues[0]).toEqual({ line: 2, message: "unexpected text after a closing quote in field 1" });
    expect(rows.map((r) => r.line)).toEqual([3]);
  });

  it("stops at the first malformed row under fail", () => {
    expect(() => parse("text,category\na,b,c\n", "fail")).toThrow(InputError);
    expect(() => parse("text,category\na,b,c\n", "fail")).toThrow(/d\.csv:2: expected 2 fields/);
  });

  it("skips blank lines without reporting them", () => {
    expect(parse("text,category\n\na,b\n\n")).toMatchObject({ rows: [{ line: 3 }], issues: [] });
  });
});
