/**
 * What this process last saw of the semantic cache store. An outage costs no answer
 * (lookups miss, writes are skipped), so without this it would show only in the logs:
 * a failed lookup or write marks the store unavailable, the next one that succeeds marks
 * it available again, and /api/health reports it.
 */
let unavailable = false;

export function noteCacheFailure(): void {
  unavailable = true;
}

export function noteCacheSuccess(): void {
  unavailable = false;
}

export function cacheHealth(): "ok" | "unavailable" {
  return unavailable ? "unavailable" : "ok";
}
