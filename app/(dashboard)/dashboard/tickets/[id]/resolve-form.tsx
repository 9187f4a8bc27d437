"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { resolveTicketAction } from "./actions";
import { ReusableEntryFields, type ReusableSuggestion } from "./reusable-entry-fields";

const MAX_ANSWER = 20_000;

/** The answer editor, prefilled with the AI's draft; sending an empty answer is impossible. */
export function ResolveForm({
  ticketId,
  draft,
  userEmail,
  suggestion,
}: {
  ticketId: string;
  draft: string;
  userEmail: string | null;
  suggestion: ReusableSuggestion;
}) {
  const [state, action, pending] = useActionState(resolveTicketAction.bind(null, ticketId), {});
  const [answer, setAnswer] = useState(draft);
  const [touched, setTouched] = useState(false);
  const router = useRouter();
  const empty = answer.trim().length === 0;

  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (empty) return;
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
    >
      <label htmlFor="answer" className="block text-sm font-medium text-slate-700">
        Your answer
      </label>
      <Textarea
        id="answer"
        name="answer"
        rows={10}
        value={answer}
        onChange={(event) => {
          setAnswer(event.target.value);
          setTouched(true);
        }}
        maxLength={MAX_ANSWER}
        aria-describedby="answer-hint"
        aria-invalid={empty && touched ? true : undefined}
        disabled={pending}
      />
      <p id="answer-hint" className="text-xs text-slate-500">
        {empty ? "Write an answer to send it." : "The customer sees this in the chat (and by email)."}
      </p>
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input type="checkbox" name="notifyEmail" defaultChecked className="mt-0.5 h-4 w-4 rounded border-slate-300" disabled={pending} />
        <span>
          Notify by email
          <span className="block text-xs text-slate-500">
            {userEmail ? `Sends the answer to ${userEmail}.` : "No address yet: it is sent if the customer has left one by then."}
          </span>
        </span>
      </label>
      <ReusableEntryFields suggestion={suggestion} reply={answer} disabled={pending} />
      {state.error ? (
        <Notice tone={state.code === "conflict" ? "warning" : "error"} title={state.code === "conflict" ? "Not sent" : undefined}>
          <p>{state.error}</p>
          {state.code === "conflict" ? (
            <Button variant="secondary" size="sm" className="mt-2" onClick={() => router.refresh()}>
              Show the current ticket
            </Button>
          ) : null}
        </Notice>
      ) : null}
      <Button type="submit" disabled={empty || pending}>
        {pending ? "Sending…" : "Approve & send"}
      </Button>
    </form>
  );
}
