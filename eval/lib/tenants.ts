import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { withService } from "@/lib/db/tenant";
import { createTenant, type ProvisionedTenant } from "@/lib/tenants/provision";
import { isProcessAlive, type RunLabel } from "./run-database";
import { onCleanup } from "./lifecycle";

/** Recorded in tenants.settings so a later run can tell a dead run's tenant from a live one. */
interface RunMarker {
  host: string;
  pid: number;
  started_at: string;
}

const STALE_AFTER_MS = 24 * 60 * 60_000;

export function runSlug(label: RunLabel, name?: string): string {
  const suffix = name ? name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) : randomBytes(4).toString("hex");
  return `${label}-${suffix || randomBytes(4).toString("hex")}`;
}

/** A dead run's tenant: its process is gone (same machine) or it is a day old (elsewhere). */
export function isStaleMarker(marker: Partial<RunMarker> | null | undefined, now = Date.now()): boolean {
  if (!marker?.pid || !marker.host || !marker.started_at) return true;
  if (marker.host === hostname()) return !isProcessAlive(marker.pid);
  return now - Date.parse(marker.started_at) > STALE_AFTER_MS;
}

/**
 * Deletes the tenants an interrupted earlier run left behind (slug `<label>-…` with a
 * run marker whose process is gone). Everything tenant-scoped cascades with the tenant.
 */
export async function removeStaleRunTenants(label: RunLabel): Promise<string[]> {
  return withService(async (tx) => {
    const { rows } = await tx.query<{ id: string; slug: string; marker: RunMarker | null }>(
      "select id, slug, settings -> 'run_marker' as marker from public.tenants where slug like $1 and settings ? 'run_marker'",
      [`${label}-%`],
    );
    const stale = rows.filter((r) => isStaleMarker(r.marker));
    if (stale.length) await tx.query("delete from public.tenants where id = any($1::uuid[])", [stale.map((r) => r.id)]);
    return stale.map((r) => r.slug);
  });
}

export async function deleteTenants(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await withService((tx) => tx.query("delete from public.tenants where id = any($1::uuid[])", [ids]));
}

/**
 * A tenant for this run only, provisioned the way the CLI does, marked with this
 * process, and deleted at cleanup (or by the next run if this one is killed).
 */
export async function createRunTenant(
  label: RunLabel,
  options: { slug?: string; name?: string; settings?: Record<string, unknown>; keep?: boolean } = {},
): Promise<ProvisionedTenant> {
  const slug = options.slug ?? runSlug(label);
  // A kept tenant carries no marker: no later run may take it for a dead run's leftover.
  const marker: RunMarker | undefined = options.keep ? undefined : { host: hostname(), pid: process.pid, started_at: new Date().toISOString() };
  const tenant = await withService((tx) =>
    createTenant(tx, { name: options.name ?? `${label} ${slug}`, slug, settings: { ...options.settings, run_marker: marker } }),
  );
  if (!options.keep) onCleanup(() => deleteTenants([tenant.id]));
  return tenant;
}
