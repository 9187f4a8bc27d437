import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The benchmark's result: the last JSON object its stdout ends with, whether printed on
 * one line or pretty-printed over several. Null when the output ends otherwise.
 */
export function lastJsonObject(stdout: string): Record<string, unknown> | null {
  const lines = stdout.trimEnd().split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith("{")) continue;
    try {
      const value = JSON.parse(lines.slice(i).join("\n"));
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      // Not the start of the final object: keep looking upwards.
    }
  }
  return null;
}

export interface ChildRun {
  exitCode: number | null;
  seconds: number;
  stdout: string;
  timedOut: boolean;
}

/**
 * Runs a TypeScript script as the package scripts do (tsx + the server-only shim),
 * echoing its output as it goes (stdout to our stderr, so ours stays parseable) and
 * keeping its stdout for the result. Killed after `timeoutMs`.
 */
export function runScript(
  file: string,
  args: string[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register.mjs", file, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    // SIGINT lets the benchmark clean up its database and server as on Ctrl-C.
    signal: options.signal,
    killSignal: "SIGINT",
  });
  child.on("error", () => undefined); // an abort is reported through the exit below
  let stdout = "";
  let timedOut = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    process.stderr.write(chunk);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, seconds: (performance.now() - started) / 1000, stdout, timedOut });
    });
  });
}
