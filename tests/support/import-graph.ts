/**
 * The project's import graph, read from the source text: which module imports which, and
 * which top-level `lib/` folders depend on each other. Used by the architecture test (no
 * cycle between folders) and printable with `npx tsx tests/support/import-graph.ts`.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SKIP = new Set(["node_modules", ".next", ".tools", ".data", ".models", ".git", "test-results"]);
const IMPORT = /(?:import|export)\s[^'";]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function resolveSpecifier(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Module → the project modules it imports (paths relative to the repository root). */
export function moduleGraph(roots: string[] = ["lib", "app", "components", "inngest", "emails"]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const root of roots) {
    const dir = path.join(ROOT, root);
    if (!existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      if (/\.test\.tsx?$/.test(file)) continue;
      const deps = new Set<string>();
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const target = resolveSpecifier(file, match[1] ?? match[2] ?? match[3]);
        if (target) deps.add(path.relative(ROOT, target));
      }
      graph.set(path.relative(ROOT, file), deps);
    }
  }
  return graph;
}

/** `lib/chat/ask.ts` → `lib/chat`; files directly in `lib/` → `lib`; other roots → their folder. */
export function folderOf(file: string): string {
  const parts = file.split(path.sep);
  if (parts[0] === "lib") return parts.length > 2 ? `lib/${parts[1]}` : "lib";
  return parts[0];
}

/** Folder → folders it imports from (self-edges left out). */
export function folderGraph(graph = moduleGraph()): Map<string, Set<string>> {
  const folders = new Map<string, Set<string>>();
  for (const [file, deps] of graph) {
    const from = folderOf(file);
    const set = folders.get(from) ?? new Set<string>();
    for (const dep of deps) {
      const to = folderOf(dep);
      if (to !== from) set.add(to);
    }
    folders.set(from, set);
  }
  return folders;
}

/** Strongly connected components with more than one member (Tarjan). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Pairs of folders that import each other directly, e.g. `lib/chat ⇄ lib/agent`. */
export function mutualPairs(graph: Map<string, Set<string>>): string[] {
  const pairs: string[] = [];
  for (const [a, deps] of graph) for (const b of deps) if (a < b && graph.get(b)?.has(a)) pairs.push(`${a} ⇄ ${b}`);
  return pairs.sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const folders = folderGraph();
  const libOnly = new Map([...folders].filter(([k]) => k.startsWith("lib")).map(([k, v]) => [k, new Set([...v].filter((d) => d.startsWith("lib")))]));
  for (const [from, deps] of [...folders].sort()) console.log(`${from} → ${[...deps].sort().join(", ")}`);
  console.log(`\nmutual pairs: ${mutualPairs(folders).join("; ") || "none"}`);
  const folderCycles = cycles(libOnly);
  console.log(`cycles between lib/ folders: ${folderCycles.length}`);
  for (const c of folderCycles) console.log(`  {${c.join(", ")}}`);
  const moduleCycles = cycles(moduleGraph());
  console.log(`module-level import cycles: ${moduleCycles.length} (largest ${Math.max(0, ...moduleCycles.map((c) => c.length))} files)`);
}
