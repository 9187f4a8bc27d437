"use client";

import { useState } from "react";
import type { Rating } from "@/lib/chat/protocol";
import { rateAnswer, toWidgetError } from "./api";

interface Props {
  token: string;
  messageId: string;
  initial: Rating | undefined;
  /** Offered after "not helpful": hand the conversation to a person. */
  onTalkToPerson: () => void;
}

/** Helpful / not helpful under an assistant answer; "not helpful" offers a person. */
export function AnswerRating({ token, messageId, initial, onTalkToPerson }: Props) {
  const [rating, setRating] = useState<Rating | undefined>(initial);
  const [error, setError] = useState<string | null>(null);

  async function rate(value: Rating) {
    const previous = rating;
    setRating(value);
    setError(null);
    try {
      await rateAnswer(token, messageId, value);
    } catch (failure) {
      setRating(previous);
      setError(toWidgetError(failure).message);
    }
  }

  const button = (value: Rating, label: string, symbol: string) => (
    <button
      type="button"
      onClick={() => void rate(value)}
      aria-pressed={rating === value}
      className={`rounded-full px-2 py-0.5 ring-1 ${rating === value ? "bg-slate-800 text-white ring-slate-800" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-100"}`}
    >
      <span aria-hidden>{symbol}</span> {label}
    </button>
  );

  return (
    <div className="-mt-1 ml-1 flex flex-wrap items-center gap-1.5 text-[11px] text-slate-600" data-testid="answer-rating">
      <span>Was this helpful?</span>
      {button("helpful", "Yes", "👍")}
      {button("not_helpful", "No", "👎")}
      {rating === "not_helpful" ? (
        <span className="flex items-center gap-1.5">
          Sorry about that.
          <button type="button" onClick={onTalkToPerson} className="font-semibold text-indigo-700 underline">
            Talk to a person
          </button>
        </span>
      ) : null}
      {rating === "helpful" ? <span role="status">Thanks for letting us know.</span> : null}
      {error ? <span role="alert" className="text-red-700">{error}</span> : null}
    </div>
  );
}
