import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { formatDuration, Time } from "@/components/dashboard/format";
import { ConfidenceBadge, reasonLabel, StatusBadge } from "@/components/dashboard/ticket-labels";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { withTenant } from "@/lib/db/tenant";
import { getTicketDetail } from "@/lib/tickets/queries";
import { conversationNames, suggestReusableEntry } from "@/lib/tickets/reusable-entry";
import { currentStaff } from "../../_lib/session";
import { ContextList } from "./context-list";
import { Conversation } from "./conversation";
import { ResolveForm } from "./resolve-form";
import { PresenceBar } from "./presence-bar";
import { CloseForm, ReopenButton } from "./ticket-controls";
import { AutoRefresh } from "@/components/dashboard/auto-refresh";

export const metadata: Metadata = { title: "Ticket" };

export default async function TicketPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ sent?: string }>;
}) {
  const staff = await currentStaff();
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  // RLS shows only the staff member's tenant: another tenant's ticket is simply absent.
  const found = await withTenant(staff.claims, async (tx) => {
    const detail = await getTicketDetail(tx, id.data);
    return detail && { ticket: detail, names: await conversationNames(tx, detail.conversationId) };
  });
  if (!found) notFound();
  const { ticket, names } = found;
  // A draft the output guard held back is shown to read, never pre-filled to send or to cache.
  const heldBack = ticket.escalationReason === "unsafe_answer";
  const usableDraft = heldBack ? "" : (ticket.draft ?? "");
  const suggestion = { ...suggestReusableEntry(ticket.question, usableDraft, names), names };
  const { sent } = await searchParams;
  const resolved = ticket.status === "resolved";
  const reason = reasonLabel(ticket.escalationReason);

  return (
    <>
      {/* The customer's follow-ups and colleagues' replies appear while the page is open. */}
      {resolved ? null : <AutoRefresh seconds={4} />}
      {resolved ? null : <PresenceBar ticketId={ticket.id} />}
      <Link href="/dashboard" className="text-sm font-medium text-indigo-700 hover:underline">
        ← Inbox
      </Link>
      <div className="mb-6 mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Ticket #{ticket.number}</h1>
        <StatusBadge status={ticket.status} />
        <span className="text-sm text-slate-600">
          opened <Time date={ticket.createdAt} />
          {resolved ? null : ` · waiting ${formatDuration(ticket.ageSeconds)}`}
        </span>
      </div>

      {resolved && sent ? (
        <Notice tone="success" title="Answer sent" className="mb-6">
          The customer sees your answer in the chat
          {sent === "emailed" && ticket.userEmail ? ` and gets it by email at ${ticket.userEmail}` : ""}.
        </Notice>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          <Card aria-labelledby="question-title">
            <CardHeader id="question-title" title="Question" description={ticket.userEmail ? `From ${ticket.userEmail}` : "The customer has not left an email address yet."} />
            <CardBody>
              <p className="whitespace-pre-wrap text-base text-slate-900" data-testid="ticket-question">
                {ticket.question}
              </p>
            </CardBody>
          </Card>

          <Card aria-labelledby="answer-title">
            <CardHeader
              id="answer-title"
              title={resolved ? "Answer" : ticket.status === "open" ? "Your reply" : "AI draft and your answer"}
              description={
                resolved
                  ? undefined
                  : ticket.status === "open"
                    ? "You are talking with the customer: reply again, or close the ticket."
                    : "Edit the draft (or write your own), then approve it."
              }
              action={
                resolved ? null : (
                  <div className="flex flex-wrap gap-1.5">
                    <ConfidenceBadge confidence={ticket.confidence} />
                    {reason ? <Badge tone="gray">{reason}</Badge> : null}
                  </div>
                )
              }
            />
            <CardBody>
              {resolved ? (
                <div className="space-y-3">
                  {ticket.answer ? (
                    <p className="whitespace-pre-wrap text-sm text-slate-900" data-testid="ticket-answer">
                      {ticket.answer}
                    </p>
                  ) : null}
                  <p className="text-sm text-slate-600" data-testid="resolved-by">
                    Resolved by {ticket.resolvedBy?.displayName ?? ticket.resolvedBy?.email ?? "a former staff member"}
                    {ticket.resolvedAt ? (
                      <>
                        {" "}on <Time date={ticket.resolvedAt} />
                      </>
                    ) : null}
                    {ticket.closedReason && ticket.closedReason !== "Answered" ? ` · closed: ${ticket.closedReason}` : ""}.
                  </p>
                  <ReopenButton ticketId={ticket.id} />
                </div>
              ) : (
                <>
                  {heldBack && ticket.draft ? (
                    <Notice tone="warning" title="The safety check held this draft back" className="mb-3">
                      It gives a link, e-mail address or phone number that the knowledge base does not, or talks about
                      the assistant&apos;s instructions: possibly an injected instruction. Do not send it as is.
                      <span className="mt-2 block whitespace-pre-wrap" data-testid="held-back-draft">{ticket.draft}</span>
                    </Notice>
                  ) : ticket.draft ? null : (
                    <Notice tone="info" className="mb-3">
                      The assistant had no draft for this question: write the answer yourself.
                    </Notice>
                  )}
                  <ResolveForm
                    ticketId={ticket.id}
                    draft={ticket.status === "open" ? "" : usableDraft}
                    userEmail={ticket.userEmail}
                    suggestion={suggestion}
                    seenReplies={ticket.humanReplies}
                  />
                  <div className="mt-6 border-t border-slate-200 pt-4">
                    <CloseForm ticketId={ticket.id} />
                  </div>
                </>
              )}
            </CardBody>
          </Card>

          <Card aria-labelledby="conversation-title">
            <CardHeader id="conversation-title" title="Conversation" />
            <CardBody>
              <Conversation messages={ticket.messages} authors={ticket.authors} ratings={ticket.ratings} />
            </CardBody>
          </Card>
        </div>

        <div className="lg:col-span-2">
          <Card aria-labelledby="context-title">
            <CardHeader id="context-title" title="Retrieved context" description="What the assistant found in the knowledge base." />
            <CardBody>
              <ContextList context={ticket.context} />
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
