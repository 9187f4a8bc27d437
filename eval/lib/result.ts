import os from "node:os";
import { z } from "zod";
import { histogram, round, summarize, type Histogram } from "./stats";

/** Flags every HTTP benchmark here shares. */
export const buildFlag = z.enum(["auto", "always", "never"], { message: "--build must be auto, always or never" }).default("auto");

/** Latency percentiles as benchmark JSON carries them (ms, 0.1 ms precision). */
export function latencyJson(values: number[]): { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null } {
  const d = summarize(values);
  return { count: d.count, p50: round(d.p50), p90: round(d.p90), p99: round(d.p99), max: round(d.max) };
}

/**
 * Prints the result as the last line of stdout (progress goes to stderr), which is how
 * `npm run bench` collects it.
 */
export function emitResult(result: Record<string, unknown>): void {
  // Other work on the machine skews every figure: the load is recorded with them.
  const [one, five] = os.loadavg();
  process.stdout.write(`${JSON.stringify({ ...result, machine_load_1m: round(one), machine_load_5m: round(five), cpus: os.cpus().length })}\n`);
}

/** A latency histogram for the report: 30 bins up to the 99.9th percentile (slower ones in the last bin). */
export function latencyHistogram(values: number[]): Histogram {
  const sorted = [...values].sort((a, b) => a - b);
  const top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.999))] ?? 1;
  const h = histogram(values, 30, [0, top]);
  return { edges: h.edges.map((e) => round(e) ?? 0), counts: h.counts };
}
