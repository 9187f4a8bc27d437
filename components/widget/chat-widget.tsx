"use client";

import { useEffect, useRef } from "react";
import { readableTextOn, type WidgetBranding } from "./branding";
import { ChatRoom } from "./chat-room";
import { ErrorNotice } from "./error-notice";
import { isBridgeMessage, tellHost } from "./host-bridge";
import { useWidgetSession } from "./use-widget-session";
import { WidgetHeader } from "./widget-header";

interface Props {
  widgetKey: string;
  branding: WidgetBranding;
  /** Shown inside the iframe widget.js adds to a customer's page. */
  embedded: boolean;
}

/** The end user's chat: standalone at /w/{key}, or inside the embed iframe. */
export function ChatWidget({ widgetKey, branding, embedded }: Props) {
  const { state, retry } = useWidgetSession(widgetKey, embedded);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (!embedded) return;
    const onMessage = (event: MessageEvent) => {
      if (event.source === window.parent && isBridgeMessage(event.data) && event.data.type === "open") inputRef.current?.focus();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") tellHost("close");
    };
    window.addEventListener("message", onMessage);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("message", onMessage);
      window.removeEventListener("keydown", onKey);
    };
  }, [embedded]);

  // The iframe is only loaded when the visitor opens the chat, so its first ready state
  // is the moment to put them in the message box (the host's "open" may come too early).
  const ready = state.kind === "ready";
  useEffect(() => {
    if (embedded && ready) inputRef.current?.focus();
  }, [embedded, ready]);

  return (
    <div className="flex h-dvh flex-col bg-slate-50" data-widget-state={state.kind}>
      <WidgetHeader
        name={branding.name}
        brandColor={branding.color}
        brandText={readableTextOn(branding.color)}
        onClose={embedded ? () => tellHost("close") : undefined}
      />
      {state.kind === "connecting" ? (
        <div role="status" className="flex flex-1 items-center justify-center text-sm text-slate-700">
          Connecting to {branding.name}…
        </div>
      ) : null}
      {state.kind === "failed" ? (
        <div className="flex flex-1 items-start justify-center p-4">
          <ErrorNotice error={state.error} context="The chat could not start." onRetry={state.error.kind === "not_found" ? undefined : retry} />
        </div>
      ) : null}
      {state.kind === "ready" ? (
        <ChatRoom key={state.session.token} session={state.session} branding={branding} inputRef={inputRef} />
      ) : null}
    </div>
  );
}
