import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/dashboard/auto-refresh";
import { formatDuration, Time } from "@/components/dashboard/format";
import { PageHeader } from "@/components/dashboard/page-header";
import { ConfidenceBadge, reasonLabel } from "@/components/dashboard/ticket-labels";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { withTenant } from "@/lib/db/tenant";
import { listTickets, type TicketStatus, type TicketSummary } from "@/lib/tickets/queries";
import { currentStaff } from "./_lib/session";

export const metadata: Metadata = { title: "Inbox" };

type View = "waiting" | "open" | "resolved";

const VIEWS: Record<View, { label: string; status: TicketStatus; href: string }> = {
  waiting: { label: "Waiting", status: "pending_human", href: "/dashboard" },
  open: { label: "With a human", status: "open", href: "/dashboard?view=open" },
  resolved: { label: "Closed", status: "resolved", href: "/dashboard?view=resolved" },
};

export default async function InboxPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const staff = await currentStaff();
  const requested = (await searchParams).view;
  const view: View = requested === "resolved" || requested === "open" ? requested : "waiting";
  const tickets = await withTenant(staff.claims, (tx) => listTickets(tx, { status: VIEWS[view].status }));
  // Waiting and with a human: oldest first (who has waited longest); closed: most recent first.
  const shown = view === "resolved" ? [...tickets].reverse() : tickets;

  return (
    <>
      <AutoRefresh seconds={5} />
      <PageHeader
        title="Inbox"
        description={
          view === "waiting" ? (
            <span data-testid="inbox-count">
              {tickets.length === 0 ? "No questions waiting." : `${tickets.length} ${tickets.length === 1 ? "question is" : "questions are"} waiting for a human, oldest first.`}
            </span>
          ) : view === "open" ? (
            "Conversations your team is in: the customer may answer back."
          ) : (
            "Tickets your team has closed, most recent first."
          )
        }
      />
      <nav aria-label="Ticket views" className="mb-4 flex gap-1 border-b border-slate-200">
        {(["waiting", "open", "resolved"] as const).map((v) => (
          <Link
            key={v}
            href={VIEWS[v].href}
            aria-current={v === view ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              v === view ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"
            }`}
          >
            {VIEWS[v].label}
            {v === view && v !== "resolved" ? ` (${tickets.length})` : ""}
          </Link>
        ))}
      </nav>
      {shown.length === 0 ? (
        <EmptyState title={view === "waiting" ? "All caught up" : view === "open" ? "No conversations in progress" : "Nothing closed yet"}>
          {view === "waiting"
            ? "When the assistant is not confident, the question lands here with its draft answer. This page refreshes itself."
            : view === "open"
              ? "Tickets you replied to without closing them are listed here."
              : "Closed tickets will be listed here."}
        </EmptyState>
      ) : (
        <ul className="space-y-2" aria-label={`${VIEWS[view].label} tickets`}>
          {shown.map((ticket) => (
            <TicketRow key={ticket.id} ticket={ticket} />
          ))}
        </ul>
      )}
    </>
  );
}

function TicketRow({ ticket }: { ticket: TicketSummary }) {
  const reason = reasonLabel(ticket.escalationReason);
  return (
    <li data-testid="inbox-ticket">
      <Link
        href={`/dashboard/tickets/${ticket.id}`}
        className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300 hover:shadow"
      >
        <div className="flex flex-wrap items-start justify-between gap-2">
          <p className="min-w-0 flex-1 text-sm font-medium text-slate-900">
            <span className="mr-2 text-slate-500">#{ticket.number}</span>
            <span className="break-words">{ticket.question}</span>
          </p>
          <span className="shrink-0 text-xs font-medium text-slate-600">
            {ticket.status === "pending_human" ? (
              <>
                waiting <Time date={ticket.createdAt}>{formatDuration(ticket.ageSeconds)}</Time>
              </>
            ) : (
              <Time date={ticket.createdAt} />
            )}
          </span>
        </div>
        <div className="mt-2 flex flex-wrap gap-1.5">
          <ConfidenceBadge confidence={ticket.confidence} />
          {reason ? <Badge tone="gray">{reason}</Badge> : null}
          <Badge tone={ticket.userEmail ? "blue" : "gray"}>{ticket.userEmail ?? "No email yet"}</Badge>
        </div>
      </Link>
    </li>
  );
}
