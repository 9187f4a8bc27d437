import type { HandoverResponse, HistoryResponse } from "@/lib/chat/protocol";
import { parseSseEvent, readUiStream, type StreamedReply } from "./ui-stream";

/**
 * The widget's HTTP calls as a load generator makes them (components/widget/api.ts and
 * use-live-messages.ts do the same in the browser), each timed: time to first byte (the
 * response headers for JSON, the first body chunk for a stream) and to the end.
 */

/** A widget request gives up after this long, as the widget's stall timer does. */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface Exchange<T> {
  /** HTTP status, null when no response arrived (connection error, timeout). */
  status: number | null;
  ttfbMs: number | null;
  totalMs: number;
  body: T | null;
  /** Why it failed: non-2xx (with the server's message), connection error or timeout. */
  error: string | null;
}

export interface SessionBody {
  token: string;
  conversationId: string;
  resumed: boolean;
}

function failure(error: unknown): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === "TimeoutError") return "timeout";
  return `connection error: ${e.cause?.code ?? e.message}`;
}

async function timedJson<T>(url: string, init: RequestInit): Promise<Exchange<T>> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const ttfbMs = performance.now() - started;
    const text = await response.text();
    const totalMs = performance.now() - started;
    if (!response.ok) return { status: response.status, ttfbMs, totalMs, body: null, error: `HTTP ${response.status} ${text.slice(0, 160)}` };
    return { status: response.status, ttfbMs, totalMs, body: JSON.parse(text) as T, error: null };
  } catch (error) {
    return { status: null, ttfbMs: null, totalMs: performance.now() - started, body: null, error: failure(error) };
  }
}

const json = { "content-type": "application/json" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POST /chat/session: a new conversation, or the kept one with `token` (a page change). */
export function startSession(baseUrl: string, widgetKey: string, token?: string): Promise<Exchange<SessionBody>> {
  return timedJson(`${baseUrl}/chat/session`, { method: "POST", headers: json, body: JSON.stringify({ widgetKey, token }) });
}

/** GET /chat/history, as the widget loads it when it opens. */
export function fetchHistory(baseUrl: string, token: string): Promise<Exchange<HistoryResponse>> {
  return timedJson(`${baseUrl}/chat/history`, { headers: bearer(token), cache: "no-store" });
}

/** POST /chat/handover: "Talk to a person". */
export function requestHandover(baseUrl: string, token: string): Promise<Exchange<HandoverResponse>> {
  return timedJson(`${baseUrl}/chat/handover`, { method: "POST", headers: json, body: JSON.stringify({ token }) });
}

/** POST /chat/stream read to its end: the reply as the widget would show it. */
export async function askQuestion(baseUrl: string, token: string, message: string): Promise<Exchange<StreamedReply>> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/chat/stream`, {
      method: "POST",
      headers: { ...json, ...bearer(token) },
      body: JSON.stringify({ message }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) {
      const text = await response.text();
      return { status: response.status, ttfbMs: performance.now() - started, totalMs: performance.now() - started, body: null, error: `HTTP ${response.status} ${text.slice(0, 160)}` };
    }
    const reply = await readUiStream(response, started);
    return { status: response.status, ttfbMs: reply.firstByteMs, totalMs: reply.endMs, body: reply, error: null };
  } catch (error) {
    return { status: null, ttfbMs: null, totalMs: performance.now() - started, body: null, error: failure(error) };
  }
}

/**
 * The widget's live events stream (GET /chat/events, SSE) held open until close(): records
 * when each stored message arrives on it. `opened` settles at the first byte (the server
 * writes its `retry:` line at once) or with the reason it could not open; `ended` with
 * null when closed by us, or the reason the stream ended on its own.
 */
export class LiveEvents {
  readonly opened: Promise<Exchange<null>>;
  readonly ended: Promise<string | null>;
  /** Message id → performance.now() when it first arrived. */
  readonly arrived = new Map<string, number>();
  /** Messages sent again after they had arrived (the cursor must move past them). */
  duplicates = 0;
  private readonly controller = new AbortController();
  private closing = false;
  private waiters = new Set<() => void>();
  private settleOpened: (exchange: Exchange<null>) => void = () => undefined;

  constructor(baseUrl: string, token: string, after: string | null) {
    const params = new URLSearchParams({ token });
    if (after) params.set("after", after);
    this.opened = new Promise((resolve) => (this.settleOpened = resolve));
    this.ended = this.run(`${baseUrl}/chat/events?${params}`);
  }

  close(): void {
    this.closing = true;
    this.controller.abort();
  }

  /** Waits until every id has arrived, or until `deadline` (performance.now() time). */
  async waitFor(ids: readonly string[], deadline: number): Promise<void> {
    const missing = () => ids.some((id) => !this.arrived.has(id));
    while (missing() && performance.now() < deadline && !this.closing) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadline - performance.now()));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  private receive(block: string): void {
    const part = parseSseEvent(block) as { id?: unknown } | null;
    if (typeof part?.id !== "string") return;
    if (this.arrived.has(part.id)) {
      this.duplicates++;
      return;
    }
    this.arrived.set(part.id, performance.now());
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private async run(url: string): Promise<string | null> {
    const started = performance.now();
    let opened = false;
    const open = (exchange: Omit<Exchange<null>, "body" | "totalMs">) => {
      if (opened) return;
      opened = true;
      this.settleOpened({ ...exchange, body: null, totalMs: performance.now() - started });
    };
    try {
      const response = await fetch(url, { headers: { accept: "text/event-stream" }, signal: this.controller.signal });
      if (!response.ok || !response.body) {
        const error = `HTTP ${response.status} ${(await response.text()).slice(0, 160)}`;
        open({ status: response.status, ttfbMs: performance.now() - started, error });
        return error;
      }
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        open({ status: response.status, ttfbMs: performance.now() - started, error: null });
        buffer += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          this.receive(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      const reason = this.closing ? null : "ended by the server";
      open({ status: response.status, ttfbMs: null, error: reason ?? "closed before it opened" });
      return reason;
    } catch (error) {
      const reason = this.closing ? null : failure(error);
      open({ status: null, ttfbMs: null, error: reason ?? "closed before it opened" });
      return reason;
    } finally {
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    }
  }
}
