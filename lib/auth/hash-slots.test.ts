import { describe, expect, it } from "vitest";
import { createHashSlots } from "@/lib/auth/hash-slots";

describe("hash slots", () => {
  it("runs at most `concurrency` at once, queues the next ones, refuses beyond the queue", async () => {
    const slots = createHashSlots(2, 3);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const job = () =>
      slots.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      });
    const accepted = Array.from({ length: 5 }, job);
    await new Promise((r) => setImmediate(r));
    expect(slots.stats()).toEqual({ running: 2, queued: 3 });
    await expect(job()).rejects.toMatchObject({ status: 429 });
    while (releases.length || running) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(accepted);
    expect(peak).toBe(2);
    expect(slots.stats()).toEqual({ running: 0, queued: 0 });
  });
});
