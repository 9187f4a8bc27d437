"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatStreamRequest, ChatUIMessage, Rating, ReceivedStatus, VisitorMessage } from "@/lib/chat/protocol";
import { fetchHistory, toWidgetError, WidgetError } from "./api";
import { fromStored, mergeMessages, readStatus, textOf } from "./conversation";
import { tellHost } from "./host-bridge";
import { useLiveMessages } from "./use-live-messages";

/** No chunk for this long while busy counts as a failure the visitor can retry. */
const STALL_MS = 60_000;

type HistoryState =
  | { state: "loading" }
  | { state: "ready"; after: string | null; email: string | null; resolvedTickets: Set<string>; ratings: Record<string, Rating> }
  | { state: "failed"; error: WidgetError };

function lastUserText(messages: ChatUIMessage[]): string {
  const last = messages.findLast((m) => m.role === "user");
  return last ? textOf(last) : "";
}

/**
 * The visitor's conversation: the stored history, the live stream of the current answer
 * (AI SDK useChat against /chat/stream) and human answers pushed while the page is open.
 */
export function useSupportChat(session: { token: string; conversationId: string }) {
  const { token } = session;
  const [phase, setPhase] = useState<ReceivedStatus | null>(null);
  const [timedOut, setTimedOut] = useState(false);
  const [history, setHistory] = useState<HistoryState>({ state: "loading" });
  const [historyAttempt, setHistoryAttempt] = useState(0);
  const heldBack = useRef<ChatUIMessage[]>([]);
  const seenHuman = useRef(new Set<string>());

  // The token is fixed for this chat's lifetime (ChatWidget remounts it for a new one).
  const [transport] = useState(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/chat/stream",
        prepareSendMessagesRequest: ({ messages }) => ({ body: { token, message: lastUserText(messages) } satisfies ChatStreamRequest }),
      }),
  );

  const chat = useChat<ChatUIMessage>({
    id: session.conversationId,
    transport,
    // The status part also stays in the message (the ticket card reads it from there);
    // onData tells the status line the moment it changes.
    onData: (part) => {
      const status = part.type === "data-status" ? readStatus(part.data) : null;
      if (status) setPhase(status);
    },
  });
  const { setMessages, status, stop } = chat;
  const busy = status === "submitted" || status === "streaming";

  useEffect(() => {
    let cancelled = false;
    fetchHistory(token)
      .then(({ messages: stored, email, tickets, ratings }) => {
        if (cancelled) return;
        for (const m of stored) if (m.senderType === "human") seenHuman.current.add(m.id);
        const restored = stored.map(fromStored);
        const ids = new Set(restored.map((m) => m.id));
        setMessages((current) => [...restored, ...current.filter((m) => !ids.has(m.id))]);
        setHistory({
          state: "ready",
          after: stored.at(-1)?.id ?? null,
          email,
          resolvedTickets: new Set(tickets.filter((t) => t.status === "resolved").map((t) => t.id)),
          ratings,
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) setHistory({ state: "failed", error: toWidgetError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [token, historyAttempt, setMessages]);

  const busyRef = useRef(busy);
  useEffect(() => {
    busyRef.current = busy;
    // Live messages that arrived mid-stream are added once the stream is done, so they
    // never interleave with the message useChat is still writing.
    if (!busy && heldBack.current.length) {
      const held = heldBack.current;
      heldBack.current = [];
      setMessages((current) => mergeMessages(current, held));
    }
  }, [busy, setMessages]);

  // Live: staff replies, and the notice that the team closed the conversation.
  const receiveLive = useCallback(
    (stored: VisitorMessage[]) => {
      const fresh = stored.filter(
        (m) => (m.senderType === "human" || (m.senderType === "system" && m.metadata?.kind === "closed")) && !seenHuman.current.has(m.id),
      );
      if (!fresh.length) return;
      for (const m of fresh) seenHuman.current.add(m.id);
      const human = fresh.map(fromStored);
      tellHost("reply");
      if (busyRef.current) heldBack.current = mergeMessages(heldBack.current, human);
      else setMessages((current) => mergeMessages(current, human));
    },
    [setMessages],
  );
  useLiveMessages({ token: history.state === "ready" ? token : null, after: history.state === "ready" ? history.after : null, onMessages: receiveLive });

  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(() => {
      void stop();
      setTimedOut(true);
    }, STALL_MS);
    return () => clearTimeout(timer);
  }, [busy, chat.messages, stop]);

  const reset = () => {
    setTimedOut(false);
    setPhase(null);
  };

  return {
    messages: chat.messages,
    busy,
    phase: busy ? (phase?.status ?? null) : null,
    history,
    retryHistory: () => {
      setHistory({ state: "loading" });
      setHistoryAttempt((n) => n + 1);
    },
    error: timedOut ? new WidgetError("timeout", "No answer in time.") : chat.error ? toWidgetError(chat.error) : null,
    send: (text: string) => {
      reset();
      void chat.sendMessage({ text });
    },
    retry: () => {
      reset();
      chat.clearError();
      void chat.regenerate();
    },
    dismissError: () => {
      setTimedOut(false);
      chat.clearError();
    },
    /** Adds stored messages the widget made happen itself (a requested hand-over). */
    addStored: (stored: VisitorMessage[]) => {
      for (const m of stored) seenHuman.current.add(m.id);
      setMessages((current) => mergeMessages(current, stored.map(fromStored)));
    },
  };
}
