import "server-only";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";

/** Checkpoints live in their own schema, which no request role can read. */
export const CHECKPOINT_SCHEMA = "langgraph";

type ClientView = Pick<pg.PoolClient, "query" | "release">;

/** The app pool as the checkpointer sees it, with each checkout's queries passed through `adapt`. */
function poolView(appPool: pg.Pool, adapt: (client: pg.PoolClient, sql: string, params?: unknown[]) => Promise<unknown>): pg.Pool {
  return {
    query: (sql: string, params?: unknown[]) => appPool.query(sql, params),
    async connect(): Promise<ClientView> {
      const client = await appPool.connect();
      return {
        query: ((sql: string, params?: unknown[]) => adapt(client, sql, params)) as pg.PoolClient["query"],
        release: (error?: Error | boolean) => client.release(error),
      };
    },
  } as unknown as pg.Pool;
}

/**
 * setup() creates the checkpoint tables. Its first statement, CREATE SCHEMA IF NOT
 * EXISTS, needs CREATE on the database even when the schema exists, which the app's
 * login role rightly lacks; the schema comes from a migration, so that one is skipped.
 */
export async function setupCheckpointTables(appPool: pg.Pool): Promise<void> {
  const view = poolView(appPool, (client, sql, params) =>
    /^\s*create schema if not exists/i.test(sql) ? Promise.resolve({ rows: [] }) : client.query(sql, params),
  );
  await new PostgresSaver(view, undefined, { schema: CHECKPOINT_SCHEMA }).setup();
}

/**
 * The checkpointer on the app pool. Its transactions commit asynchronously (no wait for
 * the WAL flush, which costs more than the rest of a cache miss on a slow disk): a
 * database crash can lose only the last fraction of a second of checkpoints, never
 * corrupt them, and losing one loses nothing the product needs. The question, the
 * ticket and every resolution are durable rows of their own, and resolving a ticket
 * whose thread has no paused checkpoint applies the answer directly.
 */
export function createCheckpointer(appPool: pg.Pool): PostgresSaver {
  const view = poolView(appPool, async (client, sql, params) => {
    const result = await client.query(sql, params);
    if (/^\s*begin\s*$/i.test(sql)) await client.query("set local synchronous_commit = off");
    return result;
  });
  return new PostgresSaver(view, undefined, { schema: CHECKPOINT_SCHEMA });
}
