"use client";

import { useEffect, useRef, useState } from "react";
import type { Colleague } from "@/lib/tickets/presence";
import { presenceAction } from "../../_lib/live-actions";

const BEAT_MS = 5_000;
/** Typing in the reply form within this long counts as "replying". */
const REPLYING_MS = 10_000;

/** Who else has this ticket open, and who is writing a reply ("Ana is replying…"). */
export function PresenceBar({ ticketId }: { ticketId: string }) {
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const lastTyped = useRef(0);

  useEffect(() => {
    const onInput = (event: Event) => {
      if ((event.target as HTMLElement | null)?.closest("[data-reply-form]")) lastTyped.current = Date.now();
    };
    document.addEventListener("input", onInput);
    const beat = () =>
      presenceAction(ticketId, Date.now() - lastTyped.current < REPLYING_MS)
        .then(setColleagues)
        .catch(() => undefined);
    void beat();
    const timer = window.setInterval(beat, BEAT_MS);
    return () => {
      document.removeEventListener("input", onInput);
      window.clearInterval(timer);
    };
  }, [ticketId]);

  if (colleagues.length === 0) return null;
  return (
    <p role="status" className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200" data-testid="presence">
      {colleagues.map((c) => `${c.name} is ${c.replying ? "replying…" : "viewing this ticket"}`).join(" · ")}
    </p>
  );
}
