import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { folderGraph, moduleGraph } from "../support/import-graph";

/**
 * The semantic cache is one port (lib/cache/port.ts) with adapters in lib/cache/adapters,
 * chosen by lib/cache/index.ts. Code outside lib/cache sees the port only: it neither
 * imports an adapter nor decides anything by an adapter's name (it asks the port, e.g.
 * `writesJoinTransaction`). Tests of an adapter itself may import it.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const isTest = (file: string) => /^(tests|e2e)\//.test(file) || /\.(test|spec)\.tsx?$/.test(file);
const inCache = (file: string) => file.startsWith("lib/cache/");
/** Where CACHE_ADAPTER is declared and validated; choosing by it is lib/cache's job. */
const SETTING_DECLARED_IN = "lib/env.ts";

const ADAPTER = `["'\`](?:pgvector|upstash)["'\`]`;
const COMPARED = [
  new RegExp(`\\b(?:name|CACHE_ADAPTER)\\s*[!=]==?\\s*${ADAPTER}`),
  new RegExp(`${ADAPTER}\\s*[!=]==?\\s*[\\w.?()]*\\b(?:name|CACHE_ADAPTER)\\b`),
  new RegExp(`\\bcase\\s+${ADAPTER}\\s*:`),
];

/** The lines of `source` that compare an adapter's name (or the CACHE_ADAPTER setting) with one. */
function adapterComparisons(source: string): string[] {
  return source.split("\n").filter((line) => COMPARED.some((pattern) => pattern.test(line)));
}

/** The code base's non-test modules, as the import graph reads them (every root folder). */
const modules = moduleGraph(["."]);
const product = [...modules.keys()].filter((file) => !isTest(file));

describe("cache adapters stay behind the port", () => {
  it("reads the cache's imports (a broken reader would pass everything)", () => {
    expect(modules.get("lib/cache/index.ts")).toContain("lib/cache/adapters/pgvector.ts");
    expect(product).toContain("lib/tickets/resolution.ts");
    expect(product).toContain("bench/cache-lookup.ts");
    expect(product.some(isTest)).toBe(false);
  });

  it("has no module outside lib/cache importing an adapter", () => {
    const offenders = product
      .filter((file) => !inCache(file))
      .flatMap((file) => [...(modules.get(file) ?? [])].filter((dep) => dep.startsWith("lib/cache/adapters/")).map((dep) => `${file} → ${dep}`));
    expect(offenders).toEqual([]);
  });

  it("has no module outside lib/cache comparing an adapter's name", () => {
    const offenders = product
      .filter((file) => !inCache(file) && file !== SETTING_DECLARED_IN)
      .flatMap((file) => adapterComparisons(readFileSync(path.join(ROOT, file), "utf8")).map((line) => `${file}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });

  it("spots a comparison when there is one", () => {
    expect(adapterComparisons('if (cache.name === "pgvector") await cache.write(scope, entry);')).toHaveLength(1);
    expect(adapterComparisons("const remote = 'upstash' !== getSemanticCache().name;")).toHaveLength(1);
    expect(adapterComparisons('const upstash = env().CACHE_ADAPTER == "upstash";')).toHaveLength(1);
    expect(adapterComparisons('  case "pgvector":')).toHaveLength(1);
    expect(adapterComparisons('RATE_LIMIT_ADAPTER === "upstash" ? redis : postgres')).toEqual([]);
    expect(adapterComparisons("if (cache.writesJoinTransaction) await cache.write(scope, entry);")).toEqual([]);
  });

  it("keeps lib/cache below the folders that use it", () => {
    const above = ["lib/tenants", "lib/chat", "lib/agent", "lib/tickets", "lib/flows"];
    expect([...(folderGraph(modules).get("lib/cache") ?? [])].filter((folder) => above.includes(folder))).toEqual([]);
  });
});
