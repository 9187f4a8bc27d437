import "server-only";
import pg from "pg";
import type { RequestClaims } from "@/lib/db/claims";
import { latestMessageId, listMessages } from "@/lib/chat/messages";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { openLiveStream, type LiveStreamLease } from "./live-streams";
import type { VisitorSession } from "./token";
import { toVisitorMessage } from "./visitor-view";
import { env } from "@/lib/env";

const CHANNEL = "conversation_events";
const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;

/**
 * Wakes open widgets of a conversation, from inside the transaction that added the
 * message (Postgres delivers it on commit, to every app process). The payload carries
 * ids only; listeners still read the message under the visitor's own claims.
 */
export async function notifyConversation(
  tx: Tx,
  event: { tenantId: string; conversationId: string; messageId: string },
): Promise<void> {
  await tx.query("select pg_notify($1, $2)", [CHANNEL, JSON.stringify(event)]);
}

type Waker = () => void;

interface ListenerState {
  client: pg.Client | null;
  starting: boolean;
  wakers: Map<string, Set<Waker>>;
}

const globalForListener = globalThis as unknown as { __conversationListener?: ListenerState };

function listenerState(): ListenerState {
  globalForListener.__conversationListener ??= { client: null, starting: false, wakers: new Map() };
  return globalForListener.__conversationListener;
}

function closeListener(state: ListenerState): void {
  const client = state.client;
  state.client = null;
  client?.end().catch(() => undefined);
}

/**
 * One LISTEN connection per process, open while this process serves live streams, fans
 * notifications out to them. It only shortens the wait: correctness comes from polling
 * the database, which works across processes and on the embedded database, whose single
 * session cannot spare a connection for LISTEN (DATABASE_POOL_MAX=1 there).
 */
function ensureListening(state: ListenerState): void {
  const { DATABASE_URL, DATABASE_POOL_MAX } = env();
  if (state.client || state.starting || !DATABASE_URL || DATABASE_POOL_MAX <= 1) return;
  state.starting = true;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  client.on("notification", (message) => {
    const conversationId = safeConversationId(message.payload);
    for (const wake of (conversationId && state.wakers.get(conversationId)) || []) wake();
  });
  client.on("error", () => {
    // Polling carries on; the next stream to open reconnects.
    if (state.client === client) state.client = null;
    client.end().catch(() => undefined);
  });
  client
    .connect()
    .then(() => client.query(`listen ${CHANNEL}`))
    .then(() => {
      state.client = client;
      if (state.wakers.size === 0) closeListener(state);
    })
    .catch((error: Error) => {
      console.warn(`[chat events] LISTEN unavailable, polling only: ${error.message}`);
      client.end().catch(() => undefined);
    })
    .finally(() => {
      state.starting = false;
    });
}

function safeConversationId(payload: string | undefined): string | null {
  try {
    const id = (JSON.parse(payload ?? "") as { conversationId?: unknown }).conversationId;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

function subscribe(conversationId: string, wake: Waker): () => void {
  const state = listenerState();
  const set = state.wakers.get(conversationId) ?? new Set();
  set.add(wake);
  state.wakers.set(conversationId, set);
  ensureListening(state);
  return () => {
    set.delete(wake);
    if (set.size === 0) state.wakers.delete(conversationId);
    if (state.wakers.size === 0) closeListener(state);
  };
}

/**
 * A visitor's live delivery (GET /chat/events): takes one of the conversation's live-stream
 * slots (429 when all are taken), then streams its new messages from the cursor on.
 */
export async function openConversationEvents(
  visitor: VisitorSession,
  options: { after: string | null; signal: AbortSignal },
): Promise<ReadableStream<Uint8Array>> {
  const lease = await openLiveStream(visitor.claims);
  return conversationEventStream(visitor.claims, visitor.conversationId, { ...options, lease });
}

/**
 * Server-sent events of the messages added to a conversation after a cursor (a message
 * id; none = from now on), read every POLL_MS, or sooner when notified, under the
 * visitor's claims, with heartbeats. It stops when the client goes away.
 */
export function conversationEventStream(
  claims: RequestClaims,
  conversationId: string,
  options: { after: string | null; signal: AbortSignal; lease?: LiveStreamLease },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  let wake: Waker = () => undefined;
  let unsubscribe: () => void = () => undefined;
  const stop = () => {
    if (!closed) options.lease?.release().catch((error: Error) => console.warn("[chat events] lease release failed:", error.message));
    closed = true;
    unsubscribe();
    wake();
  };

  async function run(controller: ReadableStreamDefaultController<Uint8Array>) {
    const send = (text: string) => controller.enqueue(encoder.encode(text));
    let cursor = options.after ?? (await withTenant(claims, (tx) => latestMessageId(tx, conversationId)));
    let lastWrite = Date.now();
    let lastRenewal = Date.now();
    send(`retry: ${POLL_MS * 3}\n: connected\n\n`);
    while (!closed) {
      try {
        const fresh = await withTenant(claims, (tx) => listMessages(tx, conversationId, { after: cursor, limit: 100 }));
        for (const message of fresh) {
          send(`id: ${message.id}\nevent: message\ndata: ${JSON.stringify(toVisitorMessage(message))}\n\n`);
          cursor = message.id;
          lastWrite = Date.now();
        }
      } catch (error) {
        console.warn("[chat events] poll failed:", (error as Error).message);
      }
      if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        send(": heartbeat\n\n");
        lastWrite = Date.now();
      }
      if (Date.now() - lastRenewal >= HEARTBEAT_MS) {
        lastRenewal = Date.now();
        await options.lease?.renew().catch((error: Error) => console.warn("[chat events] lease renewal failed:", error.message));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      unsubscribe = subscribe(conversationId, () => wake());
      options.signal.addEventListener("abort", stop, { once: true });
      run(controller)
        .catch((error: Error) => console.warn("[chat events] stream ended:", error.message))
        .finally(() => {
          stop();
          try {
            controller.close();
          } catch {
            // The client already went away.
          }
        });
    },
    cancel: stop,
  });
}
