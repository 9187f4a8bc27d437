import type { OnError } from "./args";
import { InputError, IssueCollector, type Parsed } from "./input";

type RecordResult = { fields: string[]; next: number; nextLine: number } | { error: string; next: number; nextLine: number };

/** Position and line just past the next line break at or after `from` (end of text if none). */
function afterLineBreak(text: string, from: number, line: number): { next: number; nextLine: number } {
  const at = text.indexOf("\n", from);
  return at === -1 ? { next: text.length, nextLine: line } : { next: at + 1, nextLine: line + 1 };
}

/**
 * Reads one RFC 4180 record starting at `pos` (on line `line`): comma-separated fields,
 * double quotes around fields that hold commas, quotes ("") or line breaks. On a
 * structural error it says where to resume so one bad record costs one record.
 */
function readRecord(text: string, pos: number, line: number): RecordResult {
  const fields: string[] = [];
  let i = pos;
  let current = line;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1) {
          // Everything to the end would be one field: resume on the next line instead.
          return { error: "unterminated quoted field", ...afterLineBreak(text, pos, line) };
        }
        const chunk = text.slice(j, quote);
        current += chunk.split("\n").length - 1;
        value += chunk;
        if (text[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      const after = text[i];
      if (after !== "," && after !== "\n" && after !== "\r" && after !== undefined) {
        return { error: `unexpected text after a closing quote in field ${fields.length}`, ...afterLineBreak(text, i, current) };
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
      fields.push(text.slice(i, j));
      i = j;
    }
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") return { fields, next: i + 1, nextLine: current + 1 };
    return { fields, next: text.length, nextLine: current };
  }
}

export interface CsvTable<C extends string> {
  header: string[];
  rows: Parsed<Record<C, string>>["records"];
  issues: Parsed<unknown>["issues"];
}

/**
 * Parses CSV text with a header row. Missing required columns are an error before any
 * row is read; a malformed row (bad quoting, wrong number of fields, an empty required
 * value) is reported with the line it starts on and skipped or fatal per `onError`.
 */
export function parseCsv<C extends string>(
  text: string,
  options: { file: string; onError: OnError; required: readonly C[] },
): CsvTable<C> {
  const body = text.replace(/^\uFEFF/, "");
  const head = readRecord(body, 0, 1);
  if ("error" in head) throw new InputError(`cannot read the header row: ${head.error}`, options.file, 1);
  const header = head.fields.map((h) => h.trim());
  const missing = options.required.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new InputError(`missing column(s) ${missing.map((c) => `"${c}"`).join(", ")}; the header has: ${header.join(", ")}`, options.file, 1);
  }
  const duplicated = options.required.filter((c) => header.indexOf(c) !== header.lastIndexOf(c));
  if (duplicated.length) throw new InputError(`column(s) ${duplicated.join(", ")} appear more than once in the header`, options.file, 1);

  const collector = new IssueCollector(options.file, options.onError);
  const rows: CsvTable<C>["rows"] = [];
  let pos = head.next;
  let line = head.nextLine;
  while (pos < body.length) {
    const start = line;
    const record = readRecord(body, pos, line);
    pos = record.next;
    line = record.nextLine;
    if ("error" in record) {
      collector.report(start, record.error);
      continue;
    }
    if (record.fields.length === 1 && record.fields[0].trim() === "") continue;
    if (record.fields.length !== header.length) {
      collector.report(start, `expected ${header.length} fields, found ${record.fields.length}`);
      continue;
    }
    const values = Object.fromEntries(options.required.map((c) => [c, record.fields[header.indexOf(c)].trim()])) as Record<C, string>;
    const empty = options.required.filter((c) => values[c] === "");
    if (empty.length) {
      collector.report(start, `empty value in column(s) ${empty.join(", ")}`);
      continue;
    }
    rows.push({ line: start, value: values });
  }
  return { header, rows, issues: collector.issues };
}
