import { describe, expect, it } from "vitest";
import { cycles, folderGraph, moduleGraph, mutualPairs } from "../support/import-graph";

/** The server-side folders whose dependencies must point one way (see the architecture's layer list). */
const layered = (folder: string) => folder === "lib" || folder.startsWith("lib/") || folder === "inngest" || folder === "emails";

describe("import graph", () => {
  const modules = moduleGraph();
  const folders = folderGraph(modules);
  const server = new Map([...folders].filter(([f]) => layered(f)).map(([f, deps]) => [f, new Set([...deps].filter(layered))]));

  it("reads the project's imports (a broken reader would pass everything)", () => {
    expect(modules.size).toBeGreaterThan(100);
    expect(server.get("lib/flows")?.has("lib/agent")).toBe(true);
  });

  it("has no cycle between lib/ folders, inngest/ and emails/", () => {
    expect(cycles(server)).toEqual([]);
    expect(mutualPairs(server)).toEqual([]);
  });

  it("has no cycle between any top-level folders (components never import app)", () => {
    expect(cycles(folders)).toEqual([]);
    expect(folders.get("components")?.has("app")).toBe(false);
  });

  it("has no import cycle between modules", () => {
    expect(cycles(moduleGraph(["lib", "inngest", "emails", "components", "app"]))).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], ["d", new Set(["a"])]]);
    expect(cycles(graph)).toEqual([["a", "b", "c"]]);
  });
});
