"use client";

import { useId, useState } from "react";
import { SendIcon } from "./icons";
import { MAX_MESSAGE_CHARS } from "@/lib/chat/protocol";

interface Props {
  busy: boolean;
  brandColor: string;
  brandText: string;
  onSend: (text: string) => void;
  inputRef: React.RefObject<HTMLTextAreaElement | null>;
}

const format = (n: number) => n.toLocaleString("en-US");

/**
 * The message box. Over-long messages are refused here, before anything is sent, with
 * the count in view; Enter sends and Shift+Enter starts a new line.
 */
export function Composer({ busy, brandColor, brandText, onSend, inputRef }: Props) {
  const id = useId();
  const [text, setText] = useState("");
  const length = text.length;
  const tooLong = length > MAX_MESSAGE_CHARS;
  const empty = text.trim().length === 0;
  const blocked = busy || tooLong || empty;

  function submit() {
    if (blocked) return;
    onSend(text.trim());
    setText("");
  }

  return (
    <form
      className="border-t border-slate-200 bg-white px-3 pb-3 pt-2 [&>*]:mx-auto [&>*]:max-w-2xl"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {tooLong ? (
        <p id={`${id}-too-long`} role="alert" className="mb-2 rounded-md bg-red-50 px-2.5 py-1.5 text-xs font-medium text-red-800">
          Your message is too long ({format(length)} characters). Please shorten it to {format(MAX_MESSAGE_CHARS)} characters or fewer.
        </p>
      ) : null}
      <div className="flex items-end gap-2">
        <label htmlFor={`${id}-input`} className="sr-only">
          Your message
        </label>
        <textarea
          id={`${id}-input`}
          ref={inputRef}
          rows={1}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
          placeholder="Type your question…"
          aria-invalid={tooLong || undefined}
          aria-describedby={`${id}-count${tooLong ? ` ${id}-too-long` : ""}`}
          className="max-h-32 min-h-10 flex-1 resize-none rounded-lg border border-slate-400 bg-white px-3 py-2 text-base sm:text-sm text-slate-900 [field-sizing:content] placeholder:text-slate-500 aria-invalid:border-red-600"
        />
        <button
          type="submit"
          disabled={blocked}
          aria-label="Send message"
          className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg shadow-sm disabled:cursor-not-allowed disabled:opacity-50"
          style={{ backgroundColor: brandColor, color: brandText }}
        >
          <SendIcon className="h-4 w-4" />
        </button>
      </div>
      <p id={`${id}-count`} className={`mt-1 text-right text-[11px] ${tooLong ? "font-semibold text-red-700" : "text-slate-600"}`} data-testid="char-count">
        {format(length)} / {format(MAX_MESSAGE_CHARS)}
        <span className="sr-only"> characters</span>
      </p>
    </form>
  );
}
