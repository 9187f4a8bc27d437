"use client";

import { useCallback, useEffect, useState } from "react";
import { createSession, toWidgetError, type SessionResponse, type WidgetError } from "./api";
import { handTokenToHost, sessionFromHost, type HostSession } from "./host-bridge";
import { forgetVisitor, readVisitor, writeVisitor } from "./visitor-storage";

export type SessionState =
  | { kind: "connecting" }
  | { kind: "ready"; session: SessionResponse }
  | { kind: "failed"; error: WidgetError };

/**
 * Where the visitor's token lives. Embedded on a customer's site, the chat frame is a
 * third party whose storage the browser may wipe or partition, so the host page keeps
 * the token in its own first-party storage (widget.js) and hands it over; the frame
 * never uses its own. Standalone, the chat page keeps it itself.
 */
async function keptVisitor(widgetKey: string, embedded: boolean): Promise<{ token?: string; identity?: HostSession["identity"] }> {
  if (embedded) return sessionFromHost();
  return readVisitor(widgetKey);
}

function keepVisitor(widgetKey: string, embedded: boolean, session: SessionResponse): void {
  if (embedded) handTokenToHost(session.token);
  else writeVisitor(widgetKey, { token: session.token, conversationId: session.conversationId });
}

/**
 * Opens (or re-opens, with the token kept for this visitor) the visitor's conversation.
 * A kept token the server no longer accepts is dropped and a fresh conversation started.
 */
/**
 * A conversation link from an answer e-mail (`#c=<token>`) reopens that conversation;
 * the token leaves the address bar at once.
 */
function tokenFromLink(): { token?: string } {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("c");
  if (!token) return {};
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return { token };
}

export function useWidgetSession(widgetKey: string, embedded: boolean): { state: SessionState; retry: () => void } {
  const [state, setState] = useState<SessionState>({ kind: "connecting" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const open = async () => {
      const stored = { ...(await keptVisitor(widgetKey, embedded)), ...tokenFromLink() };
      try {
        return await createSession(widgetKey, stored.token, stored.identity);
      } catch (error) {
        const failure = toWidgetError(error);
        // An identity that does not verify is not retried without it: that would hide the problem.
        if (!stored.token || failure.kind !== "rejected" || (failure.status === 401 && stored.identity)) throw failure;
        if (!embedded) forgetVisitor(widgetKey);
        return createSession(widgetKey, undefined, stored.identity);
      }
    };
    open()
      .then((session) => {
        if (cancelled) return;
        keepVisitor(widgetKey, embedded, session);
        setState({ kind: "ready", session });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ kind: "failed", error: toWidgetError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [widgetKey, embedded, attempt]);

  const retry = useCallback(() => {
    setState({ kind: "connecting" });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
