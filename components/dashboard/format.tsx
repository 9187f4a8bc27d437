/** Small, locale-stable formatters so server and client render the same text. */

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "850 ms", "12.4 s"; "–" when there is nothing to show. */
export function formatMilliseconds(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "5 min" for a date 5 minutes ago (or "in 5 min" for one in the future). */
export function formatAge(date: Date | string, now: Date = new Date()): string {
  const seconds = (now.getTime() - new Date(date).getTime()) / 1000;
  return seconds >= 0 ? formatDuration(seconds) : `in ${formatDuration(-seconds)}`;
}

/** "1 ticket", "3 tickets". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function formatPercent(value: number | null, digits = 0): string {
  return value === null ? "–" : `${(value * 100).toFixed(digits)}%`;
}

export function formatDateTime(date: Date | string): string {
  return new Date(date).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** A date with its machine-readable form and the exact time on hover. */
export function Time({ date, children }: { date: Date | string; children?: React.ReactNode }) {
  const iso = new Date(date).toISOString();
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {children ?? formatDateTime(iso)}
    </time>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
