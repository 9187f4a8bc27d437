"use client";

import { useState } from "react";
import { Field, Input, Textarea } from "@/components/ui/field";
import { describePersonalData, detectPersonalData, redactPersonalData } from "@/lib/privacy/personal-data";

export interface ReusableSuggestion {
  question: string;
  answer: string;
  /** Names the conversation revealed, so the form flags them as the server will. */
  names: string[];
}

/**
 * Teaching the cache, apart from replying: a generic question and answer, pre-filled
 * from the conversation with personal data removed, for staff to review. Personal data
 * still in it is listed as they type; the server refuses it the same way.
 */
export function ReusableEntryFields({ suggestion, reply, disabled }: { suggestion: ReusableSuggestion; reply: string; disabled: boolean }) {
  const [enabled, setEnabled] = useState(false);
  const [question, setQuestion] = useState(suggestion.question);
  const [answer, setAnswer] = useState<string | null>(null);
  const shown = answer ?? redactPersonalData(reply || suggestion.answer, { names: suggestion.names });
  const found = [
    ...detectPersonalData(question, { names: suggestion.names }),
    ...detectPersonalData(shown, { names: suggestion.names }),
  ];

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" disabled={disabled}>
      <label className="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="saveReusable"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
          className="mt-0.5 h-4 w-4 rounded border-slate-300"
        />
        <span>
          Save a reusable answer to the cache
          <span className="block text-xs text-slate-500">
            Future visitors asking the same get it instantly. Your reply above is never cached: only this generic version.
          </span>
        </span>
      </label>
      {enabled ? (
        <>
          <Field id="reusableQuestion" label="Reusable question">
            {(aria) => <Input {...aria} name="reusableQuestion" value={question} onChange={(e) => setQuestion(e.target.value)} maxLength={2_000} required />}
          </Field>
          <Field id="reusableAnswer" label="Reusable answer" hint="Written for anyone: no names, addresses, numbers or account details.">
            {(aria) => <Textarea {...aria} name="reusableAnswer" rows={5} value={shown} onChange={(e) => setAnswer(e.target.value)} maxLength={20_000} required />}
          </Field>
          {found.length > 0 ? (
            <p role="alert" className="text-sm text-red-700" data-testid="reusable-personal-data">
              Remove personal data before saving: {describePersonalData(found)}.
            </p>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}
