import "server-only";
import { env } from "@/lib/env";

/**
 * Where one chat request's time went on the server (CHAT_SERVER_TIMING=1): embedding the
 * question and database work; the rest of the time a client sees is the framework
 * (routing, parsing, the stream) and the network.
 */
export interface RequestTiming {
  embedMs: number;
  dbMs: number;
}

export function newRequestTiming(): RequestTiming | undefined {
  return env().CHAT_SERVER_TIMING === "1" ? { embedMs: 0, dbMs: 0 } : undefined;
}

/** Runs fn, adding its duration to timing[part] (when timing is on). */
export async function timed<T>(timing: RequestTiming | undefined, part: keyof RequestTiming, fn: () => Promise<T>): Promise<T> {
  if (!timing) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timing[part] += performance.now() - started;
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export function serverTimingHeader(timing: RequestTiming): string {
  return `embed;dur=${round(timing.embedMs)}, db;dur=${round(timing.dbMs)}`;
}

export function timingMetadata(timing: RequestTiming): { embedMs: number; dbMs: number } {
  return { embedMs: round(timing.embedMs), dbMs: round(timing.dbMs) };
}
