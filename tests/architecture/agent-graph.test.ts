import { readFileSync } from "node:fs";
import path from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { buildAgentGraph } from "@/lib/agent/graph";

const edgesOf = (mermaid: string) =>
  mermaid
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /-->|-\.->/.test(line))
    .sort();

describe("the agent graph", () => {
  it("starts at a cache miss (retrieve); the cache check is the flow's, not a node", async () => {
    const drawn = (await buildAgentGraph(new MemorySaver()).getGraphAsync()).drawMermaid();
    expect(edgesOf(drawn)).toContain("__start__ --> retrieve;");
    expect(drawn).not.toMatch(/cache_check/);
  });

  it("is drawn in the README as it is compiled", async () => {
    const drawn = (await buildAgentGraph(new MemorySaver()).getGraphAsync()).drawMermaid();
    const readme = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    const block = /The agent graph[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README's agent graph diagram").toBeDefined();
    expect(edgesOf(block!)).toEqual(edgesOf(drawn));
  });
});
