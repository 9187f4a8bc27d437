"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { replyTicketAction } from "./actions";
import { ReusableEntryFields, type ReusableSuggestion } from "./reusable-entry-fields";

const MAX_ANSWER = 20_000;

/** The answer editor, prefilled with the AI's draft; sending an empty answer is impossible. */
export function ResolveForm({
  ticketId,
  draft,
  userEmail,
  suggestion,
  seenReplies,
}: {
  ticketId: string;
  draft: string;
  userEmail: string | null;
  suggestion: ReusableSuggestion;
  /** Human replies shown on this page: a colleague's newer one makes the send stale. */
  seenReplies: number;
}) {
  const [state, action, pending] = useActionState(replyTicketAction.bind(null, ticketId), {});
  const [answer, setAnswer] = useState(draft);
  const [touched, setTouched] = useState(false);
  const router = useRouter();
  const empty = answer.trim().length === 0;

  return (
    <form
      data-reply-form
      data-dirty={touched && answer !== draft ? "" : undefined}
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (empty) return;
        // The clicked button says whether the conversation stays open.
        const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
        startTransition(() => action(data));
      }}
    >
      <input type="hidden" name="seenReplies" value={seenReplies} />
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
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="intent" value="close" disabled={empty || pending}>
          {pending ? "Sending…" : "Approve & send"}
        </Button>
        <Button type="submit" name="intent" value="reply" variant="secondary" disabled={empty || pending}>
          Send, keep open
        </Button>
      </div>
      <p className="text-xs text-slate-500">Approve &amp; send closes the ticket; “Send, keep open” waits for the customer to answer back.</p>
    </form>
  );
}
