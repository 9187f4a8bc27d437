"use client";

import { useCallback, useEffect, useState } from "react";
import { createSession, toWidgetError, type SessionResponse, type WidgetError } from "./api";
import { forgetVisitor, readVisitor, writeVisitor } from "./visitor-storage";

export type SessionState =
  | { kind: "connecting" }
  | { kind: "ready"; session: SessionResponse }
  | { kind: "failed"; error: WidgetError };

/**
 * Opens (or re-opens, with the token this browser kept) the visitor's conversation. A
 * kept token the server no longer accepts is dropped and a fresh conversation started.
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

export function useWidgetSession(widgetKey: string): { state: SessionState; retry: () => void } {
  const [state, setState] = useState<SessionState>({ kind: "connecting" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const stored = { ...readVisitor(widgetKey), ...tokenFromLink() };
    const open = async () => {
      try {
        return await createSession(widgetKey, stored.token);
      } catch (error) {
        const failure = toWidgetError(error);
        if (!stored.token || failure.kind !== "rejected") throw failure;
        forgetVisitor(widgetKey);
        return createSession(widgetKey);
      }
    };
    open()
      .then((session) => {
        if (cancelled) return;
        writeVisitor(widgetKey, { token: session.token, conversationId: session.conversationId });
        setState({ kind: "ready", session });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ kind: "failed", error: toWidgetError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [widgetKey, attempt]);

  const retry = useCallback(() => {
    setState({ kind: "connecting" });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
