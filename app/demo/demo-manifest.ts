import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";

export interface DemoTenantEntry {
  id: string;
  slug: string;
  name: string;
  widgetKey: string;
  /** Sign-in names only: the passwords are printed on the launcher's console, never served. */
  staff: Array<{ email: string; role: string }>;
}

export function demoManifestPath(): string {
  return path.resolve(process.cwd(), env().DATA_DIR, "demo-tenants.json");
}

/** The demo tenants the seeder wrote, or null when it has not run on this machine. */
export async function readDemoTenants(): Promise<DemoTenantEntry[] | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(demoManifestPath(), "utf8"));
    return Array.isArray(parsed) ? (parsed as DemoTenantEntry[]) : null;
  } catch {
    return null;
  }
}
