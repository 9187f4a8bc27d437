import "server-only";
import { createElement } from "react";
import { render } from "@react-email/render";
import TicketAnsweredEmail, { ticketAnsweredPayloadSchema, ticketAnsweredSubject } from "@/emails/ticket-answered";

export const emailTemplates = ["ticket-answered"] as const;
export type EmailTemplate = (typeof emailTemplates)[number];

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The tenant's name, shown as the sender. */
  senderName: string;
  replyTo?: string;
}

/** A payload the template cannot render: retrying will not help, so the row fails at once. */
export class InvalidEmailPayloadError extends Error {
  constructor(template: string, detail: string) {
    super(`Invalid payload for e-mail template "${template}": ${detail}`);
    this.name = "InvalidEmailPayloadError";
  }
}

/** Validates a payload for its template (at queue time and again at send time). */
export function parseEmailPayload(template: EmailTemplate, payload: unknown) {
  const parsed = ticketAnsweredPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEmailPayloadError(template, `${issue?.path.join(".") || "payload"}: ${issue?.message}`);
  }
  return parsed.data;
}

export async function renderEmail(template: string, payload: unknown): Promise<RenderedEmail> {
  if (!(emailTemplates as readonly string[]).includes(template)) {
    throw new InvalidEmailPayloadError(template, "unknown template");
  }
  const data = parseEmailPayload(template as EmailTemplate, payload);
  const element = createElement(TicketAnsweredEmail, data);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: ticketAnsweredSubject(data), html, text, senderName: data.tenantName, replyTo: data.replyTo };
}
