"use client";

import { useEffect, useRef } from "react";
import type { VisitorMessage } from "@/lib/chat/protocol";
import { fetchHistory } from "./api";

const POLL_MS = 4000;
const MAX_STREAM_FAILURES = 3;

/** One `message` event: a stored message as JSON (anything else is ignored). */
function readEvent(data: string): VisitorMessage[] {
  try {
    const message = JSON.parse(data) as VisitorMessage | null;
    return message && typeof message.id === "string" && typeof message.senderType === "string" ? [message] : [];
  } catch {
    return [];
  }
}

/**
 * Delivers messages added to the conversation by someone else (a human agent) while the
 * widget is open: Server-Sent Events from /chat/events, and if the browser or a proxy
 * cannot keep that stream up, polling the history instead.
 */
export function useLiveMessages(options: { token: string | null; after: string | null; onMessages: (messages: VisitorMessage[]) => void }) {
  const { token, after } = options;
  const onMessages = useRef(options.onMessages);
  useEffect(() => {
    onMessages.current = options.onMessages;
  });

  useEffect(() => {
    if (!token) return;
    let source: EventSource | null = null;
    let poller: ReturnType<typeof setInterval> | null = null;
    let failures = 0;

    const poll = () => {
      fetchHistory(token)
        .then((history) => onMessages.current(history.messages))
        .catch(() => undefined); // the next tick tries again; the chat itself shows its own errors
    };
    const startPolling = () => {
      source?.close();
      source = null;
      if (!poller) poller = setInterval(poll, POLL_MS);
    };

    if (typeof EventSource === "undefined") {
      startPolling();
    } else {
      const params = new URLSearchParams({ token });
      if (after) params.set("after", after);
      source = new EventSource(`/chat/events?${params}`);
      source.onopen = () => {
        failures = 0;
      };
      source.onmessage = (event) => onMessages.current(readEvent(event.data));
      source.onerror = () => {
        failures += 1;
        // CLOSED means the browser gave up (e.g. a non-SSE response); repeated failures
        // mean something in between keeps cutting the stream.
        if (source?.readyState === EventSource.CLOSED || failures >= MAX_STREAM_FAILURES) {
          poll();
          startPolling();
        }
      };
    }
    return () => {
      source?.close();
      if (poller) clearInterval(poller);
    };
  }, [token, after]);
}
