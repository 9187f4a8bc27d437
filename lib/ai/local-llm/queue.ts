import { AppError } from "@/lib/errors";

/*
 * One local model, one generation at a time: on a few CPU cores two parallel generations
 * are each slower than one after the other, and the model's memory is loaded once. Calls
 * wait in a short FIFO queue; when it is full the caller is told at once (busy) instead of
 * waiting behind minutes of other tenants' generations.
 */

export const MODEL_BUSY_MESSAGE = "The local model is busy with other questions.";

export function isModelBusyError(error: unknown): boolean {
  return error instanceof AppError && error.code === "rate_limited" && error.message === MODEL_BUSY_MESSAGE;
}

interface Waiter {
  start: () => void;
  cancel: (reason: unknown) => void;
}

export interface SerialQueue {
  /** Runs the task when its turn comes; rejects at once when the queue is full, or when aborted while waiting. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly running: boolean;
  readonly waiting: number;
}

export function createSerialQueue(maxWaiting: number): SerialQueue {
  let running = false;
  const waiters: Waiter[] = [];

  function next(): void {
    const waiter = waiters.shift();
    if (waiter) waiter.start();
    else running = false;
  }

  function turn(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!running) {
      running = true;
      return Promise.resolve();
    }
    if (waiters.length >= maxWaiting) return Promise.reject(new AppError("rate_limited", MODEL_BUSY_MESSAGE, { waiting: waiters.length }));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => waiter.cancel(signal?.reason);
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        cancel: (reason) => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(reason);
        },
      };
      waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  return {
    async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await turn(signal);
      try {
        return await task();
      } finally {
        next();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
