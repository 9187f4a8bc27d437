"use client";

import { useActionState, useTransition, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { ActionState } from "../../_lib/action-state";
import { closeTicketAction, reopenTicketAction } from "./actions";

/** Close without a reply, with a reason the team sees later. */
export function CloseForm({ ticketId }: { ticketId: string }) {
  const [state, action, pending] = useActionState(closeTicketAction.bind(null, ticketId), {});
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <label className="min-w-48 flex-1 text-sm font-medium text-slate-700">
        Reason for closing
        <Input name="reason" placeholder="e.g. Solved on the phone, spam, duplicate" maxLength={500} required className="mt-1" />
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Closing…" : "Close without reply"}
      </Button>
      {state.error ? <Notice tone="error" className="w-full">{state.error}</Notice> : null}
    </form>
  );
}

export function ReopenButton({ ticketId }: { ticketId: string }) {
  const [state, setState] = useState<ActionState>({});
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-2">
      <Button variant="secondary" size="sm" disabled={pending} onClick={() => startTransition(async () => setState(await reopenTicketAction(ticketId)))}>
        {pending ? "Reopening…" : "Reopen"}
      </Button>
      {state.error ? <Notice tone="error">{state.error}</Notice> : null}
    </div>
  );
}
