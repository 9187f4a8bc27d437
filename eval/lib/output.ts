import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Where run outputs go by default: git-ignored, at the repository root. */
export const DEFAULT_OUT_DIR = "eval-out";

export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
}

export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : "");
}

/** The summary and the HTML report live beside the per-item output: run.jsonl → run.summary.json, run.report.html. */
export function sidePaths(out: string): { summary: string; report: string } {
  const base = out.replace(/\.jsonl?$/i, "");
  return { summary: `${base}.summary.json`, report: `${base}.report.html` };
}

/** A plain-text table with right-aligned columns (the first column left-aligned). */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
