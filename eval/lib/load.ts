import { readUiStream } from "./ui-stream";
import { wasInterrupted } from "./lifecycle";

export interface Sample {
  /** ms since the load started. */
  startedAt: number;
  /** First byte of the response body (the stream's start part). */
  ttfbMs: number | null;
  /** First byte of the answer text: what the person waiting actually sees. */
  firstTextMs: number | null;
  totalMs: number;
  kind: "hit" | "wrong" | "miss" | "escalated" | "error";
  /** The server's own account (CHAT_SERVER_TIMING=1): embedding and database time. */
  serverTiming?: { embedMs: number; dbMs: number };
}

export interface LoadResult {
  /** Samples started inside the measured window (after warm-up, before the end). */
  samples: Sample[];
  windowMs: number;
}

/**
 * Runs each client as a closed loop (next request when the previous one finished) for
 * warm-up + duration; samples started during warm-up are dropped.
 */
export async function runClosedLoop<C>(options: {
  clients: C[];
  warmupMs: number;
  durationMs: number;
  request: (client: C) => Promise<Omit<Sample, "startedAt">>;
}): Promise<LoadResult> {
  const start = performance.now();
  const end = start + options.warmupMs + options.durationMs;
  const samples: Sample[] = [];
  await Promise.all(
    options.clients.map(async (client) => {
      while (performance.now() < end && !wasInterrupted()) {
        const startedAt = performance.now() - start;
        const sample: Omit<Sample, "startedAt"> = await options.request(client).catch(() => ({ ttfbMs: null, firstTextMs: null, totalMs: performance.now() - start - startedAt, kind: "error" as const }));
        if (startedAt >= options.warmupMs) samples.push({ startedAt, ...sample });
      }
    }),
  );
  return { samples, windowMs: Math.min(options.durationMs, performance.now() - start - options.warmupMs) };
}

export interface ChatSession {
  token: string;
  conversationId: string;
}

export async function openSession(baseUrl: string, widgetKey: string): Promise<ChatSession> {
  const response = await fetch(`${baseUrl}/chat/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ widgetKey }),
  });
  if (!response.ok) throw new Error(`POST /chat/session: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ChatSession;
}

/** One POST /chat/stream, read to the end; `expected` (a cached answer) classifies hits. */
export async function askStream(baseUrl: string, session: ChatSession, message: string, expected?: string): Promise<Omit<Sample, "startedAt">> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/chat/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ message }),
  });
  if (!response.ok) {
    await response.body?.cancel();
    return { ttfbMs: null, firstTextMs: null, totalMs: performance.now() - started, kind: "error" };
  }
  const reply = await readUiStream(response, started);
  const fromCache = reply.metadata.fromCache === true;
  const kind: Sample["kind"] =
    reply.errors.length > 0 ? "error"
    : reply.status === "waiting_for_agent" ? "escalated"
    : !fromCache ? "miss"
    : expected !== undefined && reply.text !== expected ? "wrong"
    : "hit";
  const serverTiming = reply.metadata.serverTiming as Sample["serverTiming"];
  return { ttfbMs: reply.firstByteMs, firstTextMs: reply.firstTextMs, totalMs: reply.endMs, kind, ...(serverTiming ? { serverTiming } : {}) };
}
