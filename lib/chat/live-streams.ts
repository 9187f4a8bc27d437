import "server-only";
import { randomUUID } from "node:crypto";
import type { RequestClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** A lease outlives its last renewal by this long, so a crashed process's streams free up. */
export const LIVE_STREAM_TTL_SECONDS = 60;

export interface LiveStreamLease {
  renew(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes one of the conversation's live-stream slots (CHAT_LIVE_STREAMS_PER_CONVERSATION),
 * counted in the database so the cap holds across app processes; 429 when all are taken.
 */
export async function openLiveStream(claims: RequestClaims): Promise<LiveStreamLease> {
  const streamId = randomUUID();
  const max = env().CHAT_LIVE_STREAMS_PER_CONVERSATION;
  const opened = await withTenant(claims, async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>("select app.open_live_stream($1, $2, $3) as ok", [
      streamId,
      max,
      LIVE_STREAM_TTL_SECONDS,
    ]);
    return rows[0].ok;
  });
  if (!opened) {
    throw new AppError("rate_limited", `This conversation already has ${max} live connections open; close one and try again.`, {
      retryAfterSeconds: LIVE_STREAM_TTL_SECONDS,
    });
  }
  let released = false;
  return {
    renew: async () => {
      if (released) return;
      await withTenant(claims, (tx) => tx.query("select app.renew_live_stream($1, $2)", [streamId, LIVE_STREAM_TTL_SECONDS]));
    },
    release: async () => {
      if (released) return;
      released = true;
      await withTenant(claims, (tx) => tx.query("select app.close_live_stream($1)", [streamId]));
    },
  };
}
