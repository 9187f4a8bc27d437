import { Time } from "@/components/dashboard/format";
import { Badge } from "@/components/ui/badge";
import type { ChatMessage } from "@/lib/chat/messages";
import type { Rating } from "@/lib/chat/protocol";

const SENDER: Record<ChatMessage["senderType"], { label: string; className: string }> = {
  user: { label: "Customer", className: "bg-slate-100 text-slate-900" },
  ai: { label: "Assistant", className: "bg-indigo-50 text-slate-900" },
  human: { label: "Agent", className: "bg-emerald-50 text-slate-900" },
  system: { label: "System", className: "bg-amber-50 text-slate-800" },
};

/** The conversation as the customer saw it; text only (React escapes it). */
export function Conversation({
  messages,
  authors,
  ratings,
}: {
  messages: ChatMessage[];
  authors: Record<string, string>;
  ratings: Record<string, Rating>;
}) {
  if (messages.length === 0) return <p className="text-sm text-slate-600">No messages.</p>;
  return (
    <ol className="space-y-3" aria-label="Messages">
      {messages.map((message) => {
        const sender = SENDER[message.senderType];
        return (
          <li key={message.id} className={`rounded-lg px-3 py-2 ${sender.className}`} data-testid="conversation-message">
            <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
              <span className="font-semibold text-slate-800">{authors[message.id] ?? sender.label}</span>
              <Time date={message.createdAt} />
              {message.metadata?.fromCache === true ? <Badge tone="green">from cache</Badge> : null}
              {ratings[message.id] === "helpful" ? <Badge tone="green">Rated helpful</Badge> : null}
              {ratings[message.id] === "not_helpful" ? <Badge tone="red">Rated not helpful</Badge> : null}
            </div>
            <p className="whitespace-pre-wrap break-words text-sm">{message.content}</p>
          </li>
        );
      })}
    </ol>
  );
}
