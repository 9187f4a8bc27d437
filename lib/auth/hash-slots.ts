import { AppError } from "@/lib/errors";

/**
 * Bounds how many argon2 computations one process runs at once (each takes ~19 MiB and a
 * core for tens of milliseconds), with a short queue: a flood of sign-ins waits or gets a
 * 429, and never starves the rest of the server of CPU and memory.
 */
export function createHashSlots(concurrency: number, maxQueued: number) {
  let running = 0;
  const queue: (() => void)[] = [];

  async function acquire(): Promise<void> {
    if (running < concurrency) {
      running++;
      return;
    }
    if (queue.length >= maxQueued) {
      throw new AppError("rate_limited", "Too many sign-ins are being checked right now. Please try again in a moment.");
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  }

  function release(): void {
    const next = queue.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else running--;
  }

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ running, queued: queue.length }),
  };
}
