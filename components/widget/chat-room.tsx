"use client";

import { Fragment, useEffect, useRef, useState } from "react";
import { AnswerRating } from "./answer-rating";
import { requestHandover, toWidgetError, type SessionResponse } from "./api";
import { readableTextOn, type WidgetBranding } from "./branding";
import { Composer } from "./composer";
import { pendingTickets, questionAnsweredBy, senderOf, storedIdOf, textOf } from "./conversation";
import { ErrorNotice } from "./error-notice";
import { MessageBubble } from "./message-bubble";
import { StatusLine } from "./status-line";
import { TicketCard } from "./ticket-card";
import { useSupportChat } from "./use-support-chat";

interface Props {
  session: SessionResponse;
  branding: WidgetBranding;
  inputRef: React.RefObject<HTMLTextAreaElement | null>;
}

export function ChatRoom({ session, branding, inputRef }: Props) {
  const chat = useSupportChat(session);
  const [savedEmail, setSavedEmail] = useState<string>();
  const endRef = useRef<HTMLDivElement>(null);
  const brandText = readableTextOn(branding.color);
  const history = chat.history.state === "ready" ? chat.history : null;
  const pending = pendingTickets(chat.messages, history?.resolvedTickets);
  const knownEmail = savedEmail ?? history?.email ?? undefined;
  const lastId = chat.messages.at(-1)?.id;
  const [handoverError, setHandoverError] = useState<string | null>(null);
  const [handingOver, setHandingOver] = useState(false);
  // One e-mail form per conversation: under the newest waiting ticket only.
  const emailFormFor = [...pending.keys()].at(-1);

  async function talkToPerson() {
    setHandingOver(true);
    setHandoverError(null);
    try {
      const handover = await requestHandover(session.token);
      if (handover.message) chat.addStored([handover.message]);
    } catch (error) {
      setHandoverError(toWidgetError(error).message);
    } finally {
      setHandingOver(false);
    }
  }

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [chat.messages, chat.phase, chat.error, pending.size]);

  const retryable = chat.error && chat.error.kind !== "rejected" && chat.error.kind !== "not_found";

  return (
    <>
      <div className="flex-1 overflow-y-auto px-3 py-4">
        <div role="log" aria-label="Conversation" aria-live="polite" aria-relevant="additions text" aria-atomic="false" className="mx-auto flex max-w-2xl flex-col gap-3">
          <div data-sender="greeting" className="flex justify-start">
            <p className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-3.5 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-200">
              {branding.greeting}
            </p>
          </div>
          {chat.history.state === "loading" ? <p className="text-center text-xs text-slate-600">Loading your conversation…</p> : null}
          {chat.history.state === "failed" ? (
            <ErrorNotice error={chat.history.error} onRetry={chat.retryHistory} context="Your earlier messages could not be loaded." />
          ) : null}
          {chat.messages.map((message) => {
            const ticket = pending.get(message.id);
            const streaming = chat.busy && message.id === lastId;
            const rateable = senderOf(message) === "ai" && !streaming && textOf(message) && message.metadata?.kind !== "small_talk";
            return (
              <Fragment key={message.id}>
                <MessageBubble
                  message={message}
                  brandColor={branding.color}
                  brandText={brandText}
                  streaming={streaming}
                  inReplyTo={questionAnsweredBy(chat.messages, message)}
                />
                {rateable && history ? (
                  <AnswerRating
                    token={session.token}
                    messageId={storedIdOf(message)}
                    initial={history.ratings[storedIdOf(message)]}
                    onTalkToPerson={() => void talkToPerson()}
                  />
                ) : null}
                {ticket ? (
                  <TicketCard
                    ticket={ticket}
                    tenantName={branding.tenantName}
                    email={knownEmail}
                    token={session.token}
                    onEmailSaved={setSavedEmail}
                    showEmailForm={message.id === emailFormFor}
                  />
                ) : null}
              </Fragment>
            );
          })}
        </div>
        <div className="mx-auto mt-3 max-w-2xl space-y-2">
          <StatusLine busy={chat.busy} phase={chat.phase} />
          {pending.size === 0 && history && !chat.busy ? (
            <div className="flex justify-center">
              <button
                type="button"
                onClick={() => void talkToPerson()}
                disabled={handingOver}
                className="rounded-full bg-white px-3 py-1 text-xs font-semibold text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-60"
              >
                {handingOver ? "Connecting you…" : "Talk to a person"}
              </button>
            </div>
          ) : null}
          {handoverError ? (
            <p role="alert" className="text-center text-xs text-red-700">
              {handoverError}
            </p>
          ) : null}
          {chat.error ? (
            <ErrorNotice error={chat.error} onRetry={retryable ? chat.retry : undefined} onDismiss={retryable ? undefined : chat.dismissError} />
          ) : null}
        </div>
        <div ref={endRef} />
      </div>
      <Composer busy={chat.busy} brandColor={branding.color} brandText={brandText} onSend={chat.send} inputRef={inputRef} />
    </>
  );
}
