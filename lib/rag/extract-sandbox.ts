import "server-only";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { bareChildEnv, env } from "@/lib/env";
import type { Chunk } from "@/lib/rag/chunk";
import type { SandboxReply, SandboxRequest } from "@/lib/rag/extract-child";
import { ExtractionError, fileLabel, type DocumentKind } from "@/lib/rag/extract";

export interface IngestLimits {
  maxPages: number;
  maxTextChars: number;
  maxChunks: number;
  maxInflatedBytes: number;
  timeoutMs: number;
  memoryMb: number;
}

export function ingestLimits(): IngestLimits {
  const e = env();
  return {
    maxPages: e.INGEST_MAX_PAGES,
    maxTextChars: e.INGEST_MAX_TEXT_CHARS,
    maxChunks: e.INGEST_MAX_CHUNKS,
    maxInflatedBytes: e.INGEST_MAX_INFLATED_MB * 1024 * 1024,
    timeoutMs: e.INGEST_EXTRACT_TIMEOUT_SECONDS * 1000,
    memoryMb: e.INGEST_EXTRACT_MEMORY_MB,
  };
}

export interface SandboxedDocument {
  title: string | null;
  chunks: Chunk[];
}

const MEMORY_POLL_MS = 200;
// V8's heap is most of the child's memory; the rest (buffers, code) stays under the RSS limit.
const HEAP_SHARE = 0.75;

/**
 * Extracts and chunks one file in a child process, so that nothing a file does (huge
 * page counts, decompression bombs, parser bugs that loop or crash) can exhaust the app
 * process or stall its requests. The child's heap is capped; it is killed past the
 * wall-clock limit or when its resident memory passes the memory limit. Every failure is
 * an ExtractionError with a message for staff: trying the same file again cannot help.
 */
export async function extractInSandbox(
  input: { kind: DocumentKind; data: Uint8Array; fileName?: string },
  limits: IngestLimits = ingestLimits(),
): Promise<SandboxedDocument> {
  const label = fileLabel(input.fileName);
  const root = process.cwd(); // the app's root in every way it runs (npm start, next start, tests)
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${Math.floor(limits.memoryMb * HEAP_SHARE)}`, "--import", "tsx", path.join(root, "lib", "rag", "extract-child.ts")],
    // No secrets and no database address: the child only ever sees the file.
    { cwd: root, env: bareChildEnv(), stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" },
  );
  let stderr = "";
  child.stderr?.on("data", (part: Buffer) => {
    stderr = (stderr + part.toString()).slice(-4096);
  });
  let reply: SandboxReply | undefined;
  let killedFor: "timeout" | "memory" | undefined;
  const kill = (reason: "timeout" | "memory") => {
    killedFor ??= reason;
    child.kill("SIGKILL");
  };
  child.on("message", (message: SandboxReply) => {
    reply = message;
  });
  const timer = setTimeout(() => kill("timeout"), limits.timeoutMs);
  const watchdog = setInterval(() => {
    void residentMb(child.pid).then((mb) => {
      if (mb !== null && mb > limits.memoryMb) kill("memory");
    });
  }, MEMORY_POLL_MS);
  const request: SandboxRequest = {
    kind: input.kind,
    data: input.data,
    fileName: input.fileName,
    limits: { maxPages: limits.maxPages, maxTextChars: limits.maxTextChars, maxInflatedBytes: limits.maxInflatedBytes, maxChunks: limits.maxChunks },
  };
  try {
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve({ code, signal }));
      // A child that cannot take the file is stopped; its exit reports it as crashed.
      child.send(request, (error) => {
        if (error) child.kill("SIGKILL");
      });
    });
    if (reply?.ok) return { title: reply.title, chunks: reply.chunks };
    if (reply && reply.code) throw new ExtractionError(reply.code, reply.message);
    if (reply) throw new ExtractionError("extraction_crashed", `${label} could not be read: ${reply.message}`);
    throw failureOf(label, limits, killedFor, exit, stderr);
  } finally {
    clearTimeout(timer);
    clearInterval(watchdog);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

function failureOf(
  label: string,
  limits: IngestLimits,
  killedFor: "timeout" | "memory" | undefined,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stderr: string,
): ExtractionError {
  if (killedFor === "timeout") {
    return new ExtractionError(
      "extraction_timeout",
      `Reading ${label} took longer than ${limits.timeoutMs / 1000} seconds, the limit per file, so it was stopped. Split it into smaller files.`,
    );
  }
  if (killedFor === "memory" || /heap out of memory|allocation failed/i.test(stderr)) {
    return new ExtractionError(
      "extraction_memory",
      `Reading ${label} needed more than ${limits.memoryMb} MB of memory, the limit per file, so it was stopped. ` +
        "Split it into smaller files, or export it again without embedded attachments.",
    );
  }
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  console.error(`[ingest] extraction of ${label} crashed (${how}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return new ExtractionError(
    "extraction_crashed",
    `Reading ${label} crashed the file reader (${how}); the file may be damaged. Export it again and re-upload it.`,
  );
}

/** The child's resident memory from /proc (Linux); null elsewhere or once it has exited. */
async function residentMb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
