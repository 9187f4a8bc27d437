import type { WidgetError } from "./api";
import { AlertIcon } from "./icons";

const COPY: Record<WidgetError["kind"], { title: string; detail?: string }> = {
  network: { title: "Connection lost", detail: "We could not reach the server. Check your internet connection, then try again." },
  rate_limited: { title: "Too many messages", detail: "You are sending messages faster than we can answer. Wait a moment, then try again." },
  server: { title: "Something went wrong on our side", detail: "Please try again in a moment." },
  timeout: { title: "This is taking too long", detail: "We did not get an answer in time. Please try again." },
  not_found: { title: "This chat is not available", detail: "It may have been removed by the website owner." },
  rejected: { title: "Your message could not be sent" },
};

interface Props {
  error: WidgetError;
  /** What failed, when it is not the last message (e.g. loading the history). */
  context?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
}

/** A failure named for what it is, with a way out: never an endless spinner. */
export function ErrorNotice({ error, context, onRetry, onDismiss }: Props) {
  const copy = COPY[error.kind];
  const button = onRetry ? { label: "Retry", action: onRetry } : onDismiss ? { label: "Dismiss", action: onDismiss } : null;
  return (
    <div role="alert" data-testid="chat-error" data-kind={error.kind} className="flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <AlertIcon className="mt-0.5 h-4 w-4 shrink-0 text-red-700" />
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{copy.title}</p>
        <p className="text-xs text-red-800">
          {context ? `${context} ` : ""}
          {copy.detail ?? error.message}
        </p>
      </div>
      {button ? (
        <button
          type="button"
          onClick={button.action}
          className="shrink-0 rounded-md border border-red-300 bg-white px-2.5 py-1 text-xs font-semibold text-red-900 hover:bg-red-100"
        >
          {button.label}
        </button>
      ) : null}
    </div>
  );
}
