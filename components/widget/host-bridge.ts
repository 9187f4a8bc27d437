/**
 * The messages the chat page (inside the embed iframe) and widget.js (on the host page)
 * exchange. "close", "reply" and "hello" carry no data ("*" is safe for them); the
 * conversation token travels only between the iframe and the host origin widget.js
 * named in the iframe's address, and each side checks who sent what it receives.
 */
import { MAX_TOKEN_CHARS } from "@/lib/chat/protocol";

export const BRIDGE_SOURCE = "support-widget";

export interface HostSession {
  token?: string;
  identity?: { userId: string; userHash: string };
}

export type BridgeMessage =
  | { source: typeof BRIDGE_SOURCE; type: "close" | "reply" | "open" | "hello" }
  | { source: typeof BRIDGE_SOURCE; type: "session"; session: HostSession }
  | { source: typeof BRIDGE_SOURCE; type: "token"; token: string };

export function tellHost(type: "close" | "reply" | "hello"): void {
  if (window.parent === window) return;
  window.parent.postMessage({ source: BRIDGE_SOURCE, type } satisfies BridgeMessage, "*");
}

export function isBridgeMessage(data: unknown): data is BridgeMessage {
  return Boolean(data) && typeof data === "object" && (data as BridgeMessage).source === BRIDGE_SOURCE;
}

/** The host page's origin, as widget.js put it in the iframe's address (`?host=`). */
export function hostOrigin(): string | null {
  const value = new URLSearchParams(window.location.search).get("host");
  try {
    return value ? new URL(value).origin : null;
  } catch {
    return null;
  }
}

/** Gives the host the conversation token to keep in its own first-party storage. */
export function handTokenToHost(token: string): void {
  const origin = hostOrigin();
  if (window.parent === window || !origin) return;
  window.parent.postMessage({ source: BRIDGE_SOURCE, type: "token", token } satisfies BridgeMessage, origin);
}

const asString = (value: unknown, max: number) => (typeof value === "string" && value.length <= max ? value : undefined);

/**
 * Asks widget.js for what the host page keeps (the token, a signed identity) and waits
 * briefly: an old or missing host script means a fresh start, never a stuck chat.
 */
export function sessionFromHost(timeoutMs = 1_500): Promise<HostSession> {
  return new Promise((resolve) => {
    const origin = hostOrigin();
    if (window.parent === window || !origin) return resolve({});
    const done = (session: HostSession) => {
      window.removeEventListener("message", onMessage);
      clearTimeout(timer);
      resolve(session);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window.parent || event.origin !== origin || !isBridgeMessage(event.data) || event.data.type !== "session") return;
      const raw = event.data.session ?? {};
      const identity = raw.identity && asString(raw.identity.userId, 200) && asString(raw.identity.userHash, 200) ? raw.identity : undefined;
      done({ token: asString(raw.token, MAX_TOKEN_CHARS), identity });
    };
    const timer = setTimeout(() => done({}), timeoutMs);
    window.addEventListener("message", onMessage);
    tellHost("hello");
  });
}
