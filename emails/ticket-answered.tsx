import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import { Fragment, type CSSProperties } from "react";
import { z } from "zod";
import { DEFAULT_BRAND_COLOR } from "@/lib/tenants/branding";

const singleLine = /^[^\r\n]+$/;

/**
 * Everything the e-mail shows travels in the outbox row, so the dispatcher (which cannot
 * read tenant data) renders it without another query. Text is rendered by React, which
 * escapes it; the colour is validated because it lands in a style attribute.
 */
export const ticketAnsweredPayloadSchema = z.object({
  tenantName: z.string().trim().min(1).max(200).regex(singleLine),
  brandColor: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/)
    .optional()
    .catch(undefined),
  ticketNumber: z.number().int().positive(),
  question: z.string().trim().min(1).max(10_000),
  answer: z.string().trim().min(1).max(20_000),
  /** Reopens the conversation in the tenant's chat page (the link carries the visitor's token). */
  conversationUrl: z.url({ protocol: /^https?$/ }).max(8_000).optional(),
  /** The tenant's support address: replies to the e-mail go there. */
  replyTo: z.email().max(320).optional(),
});

export type TicketAnsweredPayload = z.infer<typeof ticketAnsweredPayloadSchema>;

export function ticketAnsweredSubject(payload: TicketAnsweredPayload): string {
  return `${payload.tenantName}: your question was answered (ticket #${payload.ticketNumber})`;
}

/** Blank lines separate paragraphs; single line breaks stay line breaks. */
function Paragraphs({ text, style }: { text: string; style: CSSProperties }) {
  return text.split(/\n\s*\n/).map((paragraph, p) => (
    <Text key={p} style={style}>
      {paragraph.split("\n").map((line, l) => (
        <Fragment key={l}>
          {l > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </Text>
  ));
}

export default function TicketAnsweredEmail(payload: TicketAnsweredPayload) {
  const color = payload.brandColor ?? DEFAULT_BRAND_COLOR;
  return (
    <Html lang="en">
      <Head />
      <Preview>{`Ticket #${payload.ticketNumber}: ${payload.answer.slice(0, 120)}`}</Preview>
      <Body style={{ backgroundColor: "#f4f4f5", fontFamily: "Helvetica, Arial, sans-serif", margin: 0 }}>
        <Container style={{ backgroundColor: "#ffffff", maxWidth: 560, margin: "24px auto", borderRadius: 8 }}>
          <Section style={{ backgroundColor: color, borderRadius: "8px 8px 0 0", padding: "16px 24px" }}>
            <Text style={{ color: "#ffffff", fontSize: 16, fontWeight: 700, margin: 0 }}>{payload.tenantName}</Text>
          </Section>
          <Section style={{ padding: "8px 24px 24px" }}>
            <Heading as="h1" style={{ fontSize: 20, color: "#18181b" }}>
              Your question was answered
            </Heading>
            <Text style={{ color: "#52525b", fontSize: 13 }}>Ticket #{payload.ticketNumber}</Text>
            <Text style={{ color: "#71717a", fontSize: 13, fontWeight: 700, marginBottom: 0 }}>You asked</Text>
            <Paragraphs text={payload.question} style={{ color: "#3f3f46", fontSize: 14, fontStyle: "italic" }} />
            <Hr style={{ borderColor: color }} />
            <Text style={{ color: "#71717a", fontSize: 13, fontWeight: 700, marginBottom: 0 }}>Our answer</Text>
            <Paragraphs text={payload.answer} style={{ color: "#18181b", fontSize: 15, lineHeight: "24px" }} />
            {payload.conversationUrl ? (
              <Button
                href={payload.conversationUrl}
                style={{ backgroundColor: color, color: "#ffffff", borderRadius: 6, padding: "10px 16px", fontSize: 14, fontWeight: 700 }}
              >
                Continue the conversation
              </Button>
            ) : null}
          </Section>
          <Section style={{ padding: "0 24px 16px" }}>
            <Text style={{ color: "#a1a1aa", fontSize: 12 }}>
              A member of the {payload.tenantName} team answered your question.{" "}
              {payload.replyTo ? "Reply to this e-mail or continue in the chat if you need more help." : "Continue in the chat if you need more help."}
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

TicketAnsweredEmail.PreviewProps = {
  tenantName: "Acme Cloud Support",
  brandColor: "#4f46e5",
  ticketNumber: 42,
  question: "Can I move my workspace to the EU region?",
  answer: "Yes. Open Settings → Workspace → Region and choose EU (Frankfurt).\n\nThe move takes about an hour.",
  conversationUrl: "http://localhost:3000/w/pk_demo#c=token",
  replyTo: "help@acme.example",
} satisfies TicketAnsweredPayload;
