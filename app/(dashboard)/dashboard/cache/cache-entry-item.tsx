"use client";

import { useState, useTransition } from "react";
import { ConfirmButton } from "@/components/dashboard/confirm-button";
import { formatAge, Time } from "@/components/dashboard/format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { CacheEntrySummary } from "@/lib/cache";
import { deleteCacheEntryAction, updateCacheAnswerAction } from "./actions";

/** One cached question/answer pair, editable in place. */
export function CacheEntryItem({ entry, now, editable }: { entry: CacheEntrySummary; now: string; editable: boolean }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(entry.answer);
  const [result, setResult] = useState<{ ok?: string; error?: string }>({});
  const [pending, startTransition] = useTransition();
  const expired = entry.expiresAt <= now;
  const answerId = `answer-${entry.id}`;

  function save() {
    startTransition(async () => {
      const outcome = await updateCacheAnswerAction(entry.id, draft);
      setResult(outcome);
      if (outcome.ok) setEditing(false);
    });
  }

  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="cache-entry">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="min-w-0 flex-1 font-medium text-slate-900">{entry.question}</p>
        <div className="flex flex-wrap gap-1.5">
          <Badge tone={entry.source === "human" ? "green" : "indigo"}>{entry.source === "human" ? "Human" : "AI"}</Badge>
          {expired ? <Badge tone="red">Expired</Badge> : null}
          {entry.needsReview ? <Badge tone="red">Needs review: not served</Badge> : null}
          {entry.helpful || entry.notHelpful ? (
            <Badge tone="gray">
              {entry.helpful} helpful · {entry.notHelpful} not helpful
            </Badge>
          ) : null}
        </div>
      </div>
      {editing ? (
        <div className="mt-3 space-y-2">
          <label htmlFor={answerId} className="block text-sm font-medium text-slate-700">
            Answer
          </label>
          <Textarea id={answerId} rows={5} value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={20_000} />
          <div className="flex gap-2">
            <Button size="sm" onClick={save} disabled={pending || !draft.trim()}>
              {pending ? "Saving…" : "Save answer"}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setDraft(entry.answer);
                setEditing(false);
              }}
            >
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <p className="mt-2 whitespace-pre-wrap text-sm text-slate-700">{entry.answer}</p>
      )}
      <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-500">
          {entry.hits} {entry.hits === 1 ? "hit" : "hits"} · added <Time date={entry.createdAt}>{formatAge(entry.createdAt, new Date(now))} ago</Time>
          {" · "}
          {expired ? "expired " : "expires "}
          <Time date={entry.expiresAt}>{expired ? `${formatAge(entry.expiresAt, new Date(now))} ago` : formatAge(entry.expiresAt, new Date(now))}</Time>
          {entry.approvedAt ? (
            <span data-testid="cache-approved">
              {" · approved by "}
              {entry.approvedBy ?? "a former staff member"} <Time date={entry.approvedAt}>{formatAge(entry.approvedAt, new Date(now))} ago</Time>
            </span>
          ) : null}
        </p>
        {editing || !editable ? null : (
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => setEditing(true)} aria-label={`Edit the answer to: ${entry.question}`}>
              Edit
            </Button>
            <ConfirmButton
              label="Delete"
              question="Delete this cached answer?"
              confirmLabel="Delete"
              pending={pending}
              onConfirm={() => startTransition(async () => setResult(await deleteCacheEntryAction(entry.id)))}
            />
          </div>
        )}
      </div>
      {result.error ? <Notice tone="error" className="mt-3">{result.error}</Notice> : null}
      {result.ok ? <Notice tone="success" className="mt-3">{result.ok}</Notice> : null}
    </li>
  );
}
