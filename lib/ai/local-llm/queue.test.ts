import { describe, expect, it } from "vitest";
import { createSerialQueue, isModelBusyError, MODEL_BUSY_MESSAGE } from "./queue";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("createSerialQueue", () => {
  it("runs one task at a time, in arrival order", async () => {
    const queue = createSerialQueue(5);
    const order: string[] = [];
    const first = gate();
    const a = queue.run(async () => {
      order.push("a start");
      await first.opened;
      order.push("a end");
    });
    const b = queue.run(async () => void order.push("b"));
    const c = queue.run(async () => void order.push("c"));
    expect(queue.waiting).toBe(2);
    first.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(["a start", "a end", "b", "c"]);
    expect(queue.running).toBe(false);
  });

  it("refuses a call at once as busy when the waiting line is full", async () => {
    const queue = createSerialQueue(1);
    const hold = gate();
    const running = queue.run(() => hold.opened);
    const waiting = queue.run(async () => "second");
    const refused = queue.run(async () => "third");
    await expect(refused).rejects.toThrow(MODEL_BUSY_MESSAGE);
    await refused.catch((error: unknown) => expect(isModelBusyError(error)).toBe(true));
    hold.open();
    await running;
    expect(await waiting).toBe("second");
  });

  it("with no waiting room, refuses every call while one runs", async () => {
    const queue = createSerialQueue(0);
    const hold = gate();
    const running = queue.run(() => hold.opened);
    await expect(queue.run(async () => 1)).rejects.toSatisfy(isModelBusyError);
    hold.open();
    await running;
    expect(await queue.run(async () => 2)).toBe(2);
  });

  it("frees the place of a caller that gives up (timeout) while waiting", async () => {
    const queue = createSerialQueue(1);
    const hold = gate();
    const running = queue.run(() => hold.opened);
    const controller = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => void (ran = true), controller.signal);
    controller.abort(new Error("timed out"));
    await expect(waiting).rejects.toThrow("timed out");
    expect(queue.waiting).toBe(0);
    const next = queue.run(async () => "next");
    hold.open();
    await running;
    expect(await next).toBe("next");
    expect(ran).toBe(false);
  });

  it("goes on after a task fails", async () => {
    const queue = createSerialQueue(1);
    await expect(queue.run(() => Promise.reject(new Error("native error")))).rejects.toThrow("native error");
    expect(await queue.run(async () => "ok")).toBe("ok");
  });
});
