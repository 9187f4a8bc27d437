import { percentileOfSorted, round } from "./stats";

/** One request as the client saw it. */
export interface RequestOutcome {
  ok: boolean;
  ttfbMs: number | null;
  /** The answer's first text (chat questions only). */
  firstTextMs?: number | null;
  totalMs: number;
  /** Why it counts as an error (only when !ok). */
  error?: string | null;
  /** What it came to (e.g. cache, answered, escalated), counted per kind. */
  outcome?: string | null;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface KindSummary {
  count: number;
  per_s: number | null;
  errors: number;
  ttfb_ms: Percentiles;
  first_text_ms?: Percentiles;
  total_ms: Percentiles;
  outcomes?: Record<string, number>;
}

/** p50/p90/p95/p99/max in ms (0.1 ms precision). */
export function percentiles(values: number[]): Percentiles {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number) => round(percentileOfSorted(sorted, p));
  return { count: sorted.length, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: round(sorted.at(-1) ?? null) };
}

/**
 * Requests of a load run by kind (session, history, ask_exact, …), keeping only those
 * that started inside the measured window (performance.now() times), and every error
 * with its reason. Times are the client's: they include queueing in the server.
 */
export class LoadRecorder {
  private readonly byKind = new Map<string, RequestOutcome[]>();
  private readonly reasons = new Map<string, number>();

  constructor(private readonly window: { start: number; end: number }) {}

  inWindow(startedAt: number): boolean {
    return startedAt >= this.window.start && startedAt < this.window.end;
  }

  record(kind: string, startedAt: number, outcome: RequestOutcome): void {
    if (!this.inWindow(startedAt)) return;
    const list = this.byKind.get(kind) ?? [];
    list.push(outcome);
    this.byKind.set(kind, list);
    if (!outcome.ok) this.countError(kind, outcome.error ?? "failed");
  }

  /** An error that is not one request's (e.g. a live message that never arrived). */
  countError(kind: string, reason: string): void {
    const key = `${kind}: ${reason}`;
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }

  get errors(): number {
    return [...this.reasons.values()].reduce((sum, n) => sum + n, 0);
  }

  get requests(): number {
    return [...this.byKind.values()].reduce((sum, list) => sum + list.length, 0);
  }

  /** The most frequent error reasons first. */
  errorReasons(limit = 20): Record<string, number> {
    return Object.fromEntries([...this.reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit));
  }

  summary(windowSeconds: number): Record<string, KindSummary> {
    const kinds = [...this.byKind.keys()].sort();
    return Object.fromEntries(
      kinds.map((kind) => {
        const list = this.byKind.get(kind)!;
        const firstText = list.flatMap((o) => (typeof o.firstTextMs === "number" ? [o.firstTextMs] : []));
        const outcomes: Record<string, number> = {};
        for (const o of list) if (o.outcome) outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1;
        const summary: KindSummary = {
          count: list.length,
          per_s: windowSeconds > 0 ? round(list.length / windowSeconds, 2) : null,
          errors: list.filter((o) => !o.ok).length,
          ttfb_ms: percentiles(list.flatMap((o) => (o.ok && o.ttfbMs !== null ? [o.ttfbMs] : []))),
          total_ms: percentiles(list.filter((o) => o.ok).map((o) => o.totalMs)),
          ...(firstText.length ? { first_text_ms: percentiles(firstText) } : {}),
          ...(Object.keys(outcomes).length ? { outcomes } : {}),
        };
        return [kind, summary];
      }),
    );
  }
}
