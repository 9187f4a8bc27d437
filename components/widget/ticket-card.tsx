"use client";

import { useId } from "react";
import { EmailForm } from "./email-form";
import { ClockIcon } from "./icons";
import type { Ticket } from "./conversation";

interface Props {
  ticket: Ticket;
  tenantName: string;
  email: string | undefined;
  token: string;
  onEmailSaved: (email: string) => void;
  /** The conversation's one e-mail form sits under its newest waiting ticket. */
  showEmailForm: boolean;
}

/** The hand-over: the visitor is not left with a weak answer, and knows what happens next. */
export function TicketCard({ ticket, tenantName, email, token, onEmailSaved, showEmailForm }: Props) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      data-testid="waiting-for-agent"
      className="rounded-xl border border-amber-300 bg-amber-50 px-3.5 py-3 text-sm text-slate-900 shadow-sm"
    >
      <h2 id={headingId} className="flex items-center gap-2 font-semibold text-amber-950">
        <ClockIcon className="h-4 w-4 text-amber-800" />
        Waiting for an agent
        <span className="ml-auto rounded-full bg-white px-2 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-amber-300" data-testid="ticket-number">
          Ticket #{ticket.ticketNumber}
        </span>
      </h2>
      <p className="mt-1.5 text-slate-800">
        A member of the {tenantName} team will answer here.{" "}
        {email ? (
          <>
            You will receive an email at <strong className="break-all">{email}</strong> when they reply.
          </>
        ) : (
          "Leave your email address if you would like their answer by email too."
        )}
      </p>
      {email || !showEmailForm ? null : <EmailForm token={token} onSaved={onEmailSaved} />}
    </section>
  );
}
