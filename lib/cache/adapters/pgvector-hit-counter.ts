import "server-only";
import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";

/**
 * Hit bookkeeping off the answer's path: a hit is counted in memory at once and the
 * counts are written per tenant in one statement a second later (or sooner when many
 * pile up). The counters only feed the Control Center's "Answer cache" page, so a crash
 * may lose up to a second of counts; the answers themselves are never delayed by them.
 */
const FLUSH_AFTER_MS = 1_000;
const FLUSH_AT_PENDING = 500;

/** tenant id → entry id → hits not yet written. */
let pending = new Map<string, Map<string, number>>();
let pendingCount = 0;
let lastHitAt = new Date();
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> = Promise.resolve();

export function countCacheHit(tenantId: string, entryId: string): void {
  const entries = pending.get(tenantId) ?? new Map<string, number>();
  entries.set(entryId, (entries.get(entryId) ?? 0) + 1);
  pending.set(tenantId, entries);
  pendingCount++;
  lastHitAt = new Date();
  if (pendingCount >= FLUSH_AT_PENDING) void flushCacheHits();
  else timer ??= setTimeout(() => void flushCacheHits(), FLUSH_AFTER_MS).unref();
}

async function writeCounts(batch: Map<string, Map<string, number>>, at: Date): Promise<void> {
  for (const [tenantId, entries] of batch) {
    try {
      await withTenant(systemClaims(tenantId), (tx) =>
        tx.query("select app.record_cache_hits($1::uuid[], $2::int[], $3)", [[...entries.keys()], [...entries.values()], at]),
      );
    } catch (error) {
      console.warn(`[cache] writing ${entries.size} hit counts failed, they are dropped: ${(error as Error).message}`);
    }
  }
}

/** Writes every hit counted so far (tests and shutdown call it; the timer does otherwise). */
export function flushCacheHits(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const batch = pending;
  const at = lastHitAt;
  pending = new Map();
  pendingCount = 0;
  // One flush at a time, so two batches of the same entry never race on its row.
  flushing = flushing.then(() => (batch.size > 0 ? writeCounts(batch, at) : undefined));
  return flushing;
}
