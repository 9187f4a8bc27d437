import type { RunDatabase } from "./run-database";
import { createRunTenant } from "./tenants";

/** One tenant of a cache benchmark, before its cache is seeded (seedManyCaches takes these). */
export interface CacheTenant {
  id: string;
  widgetKey: string;
  /** 0 … tenants-1 of the common size, then the large one. */
  index: number;
  entries: number;
}

/**
 * The tenants of a cache benchmark: `tenants` of `entries` cached answers each, plus one
 * of `large` (0: none). Defaults by database: 10,000 and 100,000 on PostgreSQL, 2,000 and
 * 10,000 on the embedded PGlite.
 */
export async function createCacheTenants(
  db: Pick<RunDatabase, "kind">,
  flags: { tenants: number; entries?: number; large?: number },
  name: string,
): Promise<{ entries: number; large: number; tenants: CacheTenant[] }> {
  const entries = flags.entries ?? (db.kind === "postgres" ? 10_000 : 2_000);
  const large = flags.large ?? (db.kind === "postgres" ? 100_000 : 10_000);
  const sizes = [...Array.from({ length: flags.tenants }, () => entries), ...(large > 0 ? [large] : [])];
  const tenants: CacheTenant[] = [];
  for (const [index, size] of sizes.entries()) {
    const tenant = await createRunTenant("bench", { name: `${name} ${index + 1}` });
    tenants.push({ id: tenant.id, widgetKey: tenant.widgetKey, index, entries: size });
  }
  return { entries, large, tenants };
}
