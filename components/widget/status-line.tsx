import type { ChatPhase } from "@/lib/chat/protocol";
import { BoltIcon, ClockIcon, PenIcon, SearchIcon } from "./icons";

const LABELS: Record<Exclude<ChatPhase, "resolved">, { text: string; Icon: typeof BoltIcon }> = {
  checking_cache: { text: "Checking for an instant answer…", Icon: BoltIcon },
  searching: { text: "Searching the knowledge base…", Icon: SearchIcon },
  answering: { text: "Writing the answer…", Icon: PenIcon },
  waiting_for_agent: { text: "Handing over to a human agent…", Icon: ClockIcon },
};

/**
 * What the agent is doing right now, announced politely to screen readers. The region
 * stays mounted (empty when idle) so assistive technology notices each change.
 */
export function StatusLine({ busy, phase }: { busy: boolean; phase: ChatPhase | null }) {
  const label = !busy || phase === "resolved" ? null : phase ? LABELS[phase] : { text: "Sending your question…", Icon: ClockIcon };
  return (
    <div role="status" aria-live="polite" data-testid="chat-status" data-phase={busy ? (phase ?? "sending") : "idle"}>
      {label ? (
        <p className="flex items-center gap-2 px-1 text-xs font-medium text-slate-700">
          <span className="flex h-6 w-6 items-center justify-center rounded-full bg-slate-200 text-slate-700 motion-safe:animate-pulse">
            <label.Icon className="h-3.5 w-3.5" />
          </span>
          {label.text}
        </p>
      ) : null}
    </div>
  );
}
