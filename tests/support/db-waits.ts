import { withService } from "@/lib/db/tenant";

/** Polls until probe() is true; throws naming `what` after timeoutMs. */
export async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The database sessions of this login role blocked on a lock (seen on the test's own, direct connection). */
export async function sessionsWaitingOnLock(role: string): Promise<number[]> {
  const { rows } = await withService((tx) =>
    tx.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = current_database() and usename = $1 and wait_event_type = 'Lock'",
      [role],
    ),
  );
  return rows.map((r) => r.pid);
}

/** Whether the database session with this pid has ended. */
export async function sessionGone(pid: number): Promise<boolean> {
  const { rows } = await withService((tx) => tx.query("select 1 from pg_stat_activity where pid = $1", [pid]));
  return rows.length === 0;
}

/**
 * Holds a lock in a transaction of the test's own until released: a request that needs
 * it waits inside its transaction, i.e. is in flight when something is done to it.
 */
export async function holdLock(sql: string): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const done = withService(async (tx) => {
    await tx.query(sql);
    held();
    await released;
  });
  await isHeld;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}
