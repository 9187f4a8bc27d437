import { treeCpuSeconds, treeRssMb } from "./process-memory";

type Series = Array<[number, number]>;

export interface ServerSamples {
  /** [seconds since start, MB] of the server's process tree. */
  rss: Series;
  /** [seconds, cumulative CPU seconds] of the server's process tree. */
  cpu: Series;
  /** [seconds, event streams the clients hold open]. */
  openStreams: Series;
  /** [seconds, live-stream leases the database counts] (when it can be asked). */
  leases: Series;
  /** [seconds, ms] of GET /api/health: one probe a second, never two at once. */
  health: Series;
  healthErrors: number;
}

/**
 * Watches a server under load once a second: its process tree's RSS and CPU time, the
 * client's open event streams, the database's live-stream leases (every 5 s), and how
 * long /api/health takes (a route that only checks out a pooled connection for
 * `select 1`: it shows event-loop delay and pool waits, not the chat's own work).
 */
export function monitorServer(options: {
  pid: number;
  url: string;
  start: number;
  openStreams: () => number;
  leases?: () => Promise<number>;
}): { stop: () => ServerSamples } {
  const samples: ServerSamples = { rss: [], cpu: [], openStreams: [], leases: [], health: [], healthErrors: 0 };
  const at = () => (performance.now() - options.start) / 1000;
  let probing = false;
  let tick = 0;
  const timer = setInterval(() => {
    const t = at();
    const rss = treeRssMb(options.pid);
    if (rss !== null) samples.rss.push([t, rss]);
    const cpu = treeCpuSeconds(options.pid);
    if (cpu !== null) samples.cpu.push([t, cpu]);
    samples.openStreams.push([t, options.openStreams()]);
    if (options.leases && tick++ % 5 === 0) {
      options.leases().then((n) => samples.leases.push([t, n]), () => undefined);
    }
    if (probing) return;
    probing = true;
    const started = performance.now();
    fetch(`${options.url}/api/health`, { signal: AbortSignal.timeout(10_000) })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) samples.health.push([t, performance.now() - started]);
        else samples.healthErrors++;
      })
      .catch(() => samples.healthErrors++)
      .finally(() => (probing = false));
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Average cores kept busy between two cumulative CPU readings of a series, inside [from, to] seconds. */
export function coresBusy(cpu: Series, from: number, to: number): number | null {
  const inside = cpu.filter(([t]) => t >= from && t <= to);
  if (inside.length < 2) return null;
  const [t0, c0] = inside[0];
  const [t1, c1] = inside[inside.length - 1];
  return t1 > t0 ? (c1 - c0) / (t1 - t0) : null;
}

/**
 * The lowest value in each quarter of [from, to] seconds: the shape of an RSS curve in
 * four numbers (garbage collection makes it a sawtooth or a staircase; a leak raises
 * every quarter's floor).
 */
export function quarterFloors(series: Series, from: number, to: number): Array<number | null> {
  const quarter = (to - from) / 4;
  return [0, 1, 2, 3].map((q) => {
    const end = q === 3 ? to : from + (q + 1) * quarter;
    const inside = series.filter(([t]) => t >= from + q * quarter && (q === 3 ? t <= end : t < end));
    return inside.length ? Math.min(...inside.map(([, v]) => v)) : null;
  });
}
