import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | null {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants (next start may fork workers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory of a process tree in MB (Linux /proc); null where /proc is unavailable. */
export function treeRssMb(root: number): number | null {
  if (process.platform !== "linux") return null;
  return processTree(root).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every mainstream Linux). */
const USER_HZ = 100;

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // utime and stime: fields 14 and 15, i.e. 11 and 12 after the command name.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by a process tree's live processes (user + system); the
 * difference of two readings over their interval is the cores it kept busy. Null where
 * /proc is unavailable.
 */
export function treeCpuSeconds(root: number): number | null {
  if (process.platform !== "linux") return null;
  return processTree(root).reduce((sum, pid) => sum + cpuTicks(pid), 0) / USER_HZ;
}
