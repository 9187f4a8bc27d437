/**
 * The few messages the chat page (inside the embed iframe) and widget.js (on the host
 * page) exchange. They carry no conversation data, so "*" as target origin is safe; the
 * host side checks the sender's origin anyway.
 */
export const BRIDGE_SOURCE = "support-widget";

export type BridgeMessage = { source: typeof BRIDGE_SOURCE; type: "close" | "reply" | "open" };

export function tellHost(type: "close" | "reply"): void {
  if (window.parent === window) return;
  window.parent.postMessage({ source: BRIDGE_SOURCE, type } satisfies BridgeMessage, "*");
}

export function isBridgeMessage(data: unknown): data is BridgeMessage {
  return Boolean(data) && typeof data === "object" && (data as BridgeMessage).source === BRIDGE_SOURCE;
}
