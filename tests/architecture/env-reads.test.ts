import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { moduleGraph } from "../support/import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The server and the app: every setting they read goes through lib/env.ts, validated at start-up. */
const APP_FOLDERS = ["lib", "app", "components", "inngest", "emails"];
const APP_FILES = ["proxy.ts", "instrumentation.ts"];
const SETTINGS_MODULE = "lib/env.ts";

/**
 * The raw reads Next.js itself requires, with the reason. Anything else outside
 * lib/env.ts is a setting that escapes validation.
 */
const ALLOWED: Record<string, { read: string; why: string }> = {
  "instrumentation.ts": {
    read: "process.env.NEXT_RUNTIME",
    why: "Next documents this literal test; the Edge bundle drops the Node-only branch on it",
  },
};

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

function appSources(): string[] {
  const files = APP_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
  files.push(...APP_FILES.map((file) => path.join(ROOT, file)).filter(existsSync));
  return files.map((file) => path.relative(ROOT, file));
}

/** Each `process.env` of a file, with what follows it (`process.env.X`, `process.env[`, …). */
function envReads(file: string): string[] {
  return [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/process\.env(?:\.[A-Za-z_$][\w$]*)?/g)].map((m) => m[0]);
}

describe("settings are read only through lib/env.ts", () => {
  const files = appSources();

  it("reads the files it checks (a broken scanner would pass everything)", () => {
    expect(files).toContain(SETTINGS_MODULE);
    expect(files).toContain("proxy.ts");
    expect(files.length).toBeGreaterThan(100);
    expect(envReads(SETTINGS_MODULE).length).toBeGreaterThan(0);
  });

  it("has no process.env outside lib/env.ts but what Next requires", () => {
    const stray = files.flatMap((file) => {
      if (file === SETTINGS_MODULE) return [];
      const allowed = ALLOWED[file]?.read;
      return envReads(file)
        .filter((read) => read !== allowed)
        .map((read) => `${file}: ${read}`);
    });
    expect(stray).toEqual([]);
  });

  it("keeps lib/'s own files the bottom layer: they import no lib/ folder", () => {
    const rootFiles = [...moduleGraph(["lib"])].filter(([file]) => path.dirname(file) === "lib");
    expect(rootFiles.map(([file]) => file)).toContain(SETTINGS_MODULE);
    const upward = rootFiles.flatMap(([file, deps]) => [...deps].filter((dep) => path.dirname(dep) !== "lib").map((dep) => `${file} → ${dep}`));
    expect(upward).toEqual([]);
  });
});
