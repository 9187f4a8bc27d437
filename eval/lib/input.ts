import { readFile, stat } from "node:fs/promises";
import type { OnError } from "./args";

/** A bad input file or line; `line` is 1-based in the file as a text editor counts it. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null = null,
  ) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = "InputError";
  }
}

export interface LineIssue {
  line: number;
  message: string;
}

export interface Parsed<T> {
  records: Array<{ line: number; value: T }>;
  /** Lines dropped under --on-error skip (always empty under fail: the first one throws). */
  issues: LineIssue[];
}

/** Collects line problems: under `fail` the first one aborts the run, under `skip` it is kept for the summary. */
export class IssueCollector {
  readonly issues: LineIssue[] = [];

  constructor(
    private readonly file: string,
    private readonly onError: OnError,
  ) {}

  report(line: number, message: string): void {
    if (this.onError === "fail") {
      throw new InputError(`${message} (use --on-error skip to drop bad lines and carry on)`, this.file, line);
    }
    this.issues.push({ line, message });
  }
}

/** Reads a UTF-8 text file, failing with a clear message if it is missing, a folder or empty. */
export async function readTextFile(file: string, what: string): Promise<string> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new InputError(`${what} not found`, file);
  if (!info.isFile()) throw new InputError(`${what} must be a file`, file);
  const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  if (!text.trim()) throw new InputError(`${what} is empty`, file);
  return text;
}

export function formatIssues(file: string, issues: LineIssue[], limit = 20): string[] {
  const shown = issues.slice(0, limit).map((i) => `  skipped ${file}:${i.line}: ${i.message}`);
  if (issues.length > limit) shown.push(`  ... and ${issues.length - limit} more`);
  return shown;
}
