import type { z } from "zod";
import type { OnError } from "./args";
import { IssueCollector, type Parsed } from "./input";

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * Parses JSON Lines: one JSON value per line, blank lines ignored, each value validated
 * by the schema. A line that is not JSON or does not match is reported with its line
 * number and skipped or fatal as `onError` says.
 */
export function parseJsonl<S extends z.ZodType>(
  text: string,
  schema: S,
  options: { file: string; onError: OnError },
): Parsed<z.infer<S>> {
  const collector = new IssueCollector(options.file, options.onError);
  const records: Parsed<z.infer<S>>["records"] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      collector.report(line, `invalid JSON (${(error as Error).message})`);
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      collector.report(line, describeIssues(parsed.error));
      return;
    }
    records.push({ line, value: parsed.data });
  });
  return { records, issues: collector.issues };
}

/** Flags repeated ids (a later line with an id already seen) as line issues. */
export function dropDuplicateIds<T extends { id: string }>(
  parsed: Parsed<T>,
  options: { file: string; onError: OnError },
): Parsed<T> {
  const collector = new IssueCollector(options.file, options.onError);
  const seen = new Map<string, number>();
  const records = parsed.records.filter(({ line, value }) => {
    const first = seen.get(value.id);
    if (first !== undefined) {
      collector.report(line, `duplicate id "${value.id}" (first on line ${first})`);
      return false;
    }
    seen.set(value.id, line);
    return true;
  });
  return { records, issues: [...parsed.issues, ...collector.issues].sort((a, b) => a.line - b.line) };
}
