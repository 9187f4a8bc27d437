/**
 * What this process last saw of the semantic cache store. An outage costs no answer
 * (lookups miss, writes are skipped), so without this it would show only in the logs:
 * a failed lookup or write marks the store unavailable, the next one that succeeds marks
 * it available again, and /api/health reports it.
 */
let unavailableSince: Date | null = null;

export function noteCacheFailure(): void {
  unavailableSince ??= new Date();
}

export function noteCacheSuccess(): void {
  unavailableSince = null;
}

export function cacheHealth(): { status: "ok" | "unavailable"; since: string | null } {
  return { status: unavailableSince ? "unavailable" : "ok", since: unavailableSince?.toISOString() ?? null };
}
