import type { ChatUIMessage } from "@/lib/chat/protocol";
import { isAppended, senderOf, textOf, textPartsOf, ticketOpenedBy } from "./conversation";
import { BoltIcon, PersonIcon } from "./icons";
import { citationsOf, SourceList } from "./source-list";

interface Props {
  message: ChatUIMessage;
  brandColor: string;
  brandText: string;
  streaming: boolean;
  /** For a human reply: the visitor's question it answers. */
  inReplyTo?: string | null;
}

/**
 * One message. Text is rendered as React text nodes, so whatever a visitor or agent typed
 * (including markup) is shown literally, never interpreted as HTML.
 */
export function MessageBubble({ message, brandColor, brandText, streaming, inReplyTo }: Props) {
  const sender = senderOf(message);
  const text = textOf(message);

  if (sender === "user") {
    return (
      <div data-sender="user" className="flex justify-end">
        <p className="sr-only">You said:</p>
        <div
          className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-md px-3.5 py-2 text-sm shadow-sm"
          style={{ backgroundColor: brandColor, color: brandText }}
          data-message-text
        >
          {text}
        </div>
      </div>
    );
  }

  if (sender === "human") {
    return (
      <div data-sender="human" className="flex justify-start">
        <div className="max-w-[85%] rounded-2xl rounded-bl-md border-l-4 border-emerald-600 bg-emerald-50 px-3.5 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-emerald-200">
          <p className="mb-1 flex items-center gap-1.5 text-xs font-semibold text-emerald-800">
            <PersonIcon className="h-3.5 w-3.5" />
            Answered by our support team
          </p>
          {inReplyTo ? (
            <p className="mb-1.5 line-clamp-2 border-l-2 border-emerald-300 pl-2 text-xs text-slate-600" data-testid="in-reply-to">
              <span className="sr-only">In reply to: </span>
              {inReplyTo}
            </p>
          ) : null}
          <div className="whitespace-pre-wrap break-words" data-message-text>
            {text}
          </div>
        </div>
      </div>
    );
  }

  // The hand-over notice is the assistant speaking; other system notes are quiet lines.
  if (sender === "system" && !ticketOpenedBy(message)) {
    return (
      <div data-sender="system" className="flex justify-center">
        <p data-message-text className="max-w-[90%] whitespace-pre-wrap break-words rounded-lg bg-slate-100 px-3 py-1.5 text-center text-xs text-slate-700">
          {text}
        </p>
      </div>
    );
  }

  const meta = message.metadata;
  if (!text && streaming) return null; // the status line speaks until the first words arrive
  if (!text && isAppended(message)) {
    return (
      <p data-sender="delivered" className="-mt-2 text-right text-[11px] text-slate-500">
        Sent to the team
      </p>
    );
  }
  if (meta?.unconfirmed) return <UnconfirmedAnswer message={message} />;
  // No aria-busy while streaming: screen readers should hear the answer grow, not wait for its end.
  return (
    <div data-sender={sender} className="flex justify-start" data-streaming={streaming || undefined}>
      <div className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-3.5 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-200">
        <p className="sr-only">Assistant said:</p>
        {meta?.fromCache || meta?.offline ? (
          <p className="mb-1 flex flex-wrap gap-1.5">
            {meta.fromCache ? (
              <span className="inline-flex items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-semibold text-amber-900">
                <BoltIcon className="h-3 w-3" /> Instant answer
              </span>
            ) : null}
            {meta.offline ? (
              <span
                className="inline-flex items-center rounded-full bg-slate-200 px-2 py-0.5 text-[11px] font-semibold text-slate-800"
                title="Answered without an AI model: quoted from the knowledge base."
              >
                Offline mode · quoted from our docs
              </span>
            ) : null}
          </p>
        ) : null}
        <div className="whitespace-pre-wrap break-words" data-message-text>
          {text}
        </div>
        {streaming ? null : <SourceList citations={citationsOf(message)} />}
      </div>
    </div>
  );
}

/**
 * An answer the visitor watched being written whose check failed afterwards: kept
 * visible but clearly marked, followed by the hand-over notice. Stored drafts (from the
 * history) have no notice part; the ticket card says the rest.
 */
function UnconfirmedAnswer({ message }: { message: ChatUIMessage }) {
  const parts = textPartsOf(message);
  const live = message.metadata?.ticketNumber !== undefined && parts.length > 1;
  const draft = live ? parts.slice(0, -1).join("\n\n") : parts.join("\n\n");
  return (
    <div data-sender="ai" data-unconfirmed className="flex justify-start">
      <div className="max-w-[85%] rounded-2xl rounded-bl-md bg-white px-3.5 py-2 text-sm text-slate-900 shadow-sm ring-2 ring-amber-300">
        <p className="sr-only">Assistant said, not yet confirmed:</p>
        <p className="mb-1 inline-flex items-center rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-semibold text-amber-900" data-testid="unconfirmed-label">
          Not confirmed yet · a colleague will check this answer
        </p>
        <div className="whitespace-pre-wrap break-words text-slate-700" data-message-text>
          {draft}
        </div>
        {live ? (
          <p className="mt-2 border-t border-amber-200 pt-2 text-slate-900" data-testid="handover-notice">
            {parts.at(-1)}
          </p>
        ) : null}
      </div>
    </div>
  );
}
