/**
 * Keeps the highest-ranked passages whose prompt fits the token budget. Passages arrive
 * best first; the lowest-ranked are dropped whole, never cut mid-passage (a half passage
 * can state the opposite of the whole). Returns fewer passages, possibly none.
 */
export function fitByRank<T>(passages: readonly T[], promptTokens: (kept: readonly T[]) => number, budget: number): T[] {
  let kept = passages.slice();
  while (kept.length > 0 && promptTokens(kept) > budget) kept = kept.slice(0, -1);
  return kept;
}
