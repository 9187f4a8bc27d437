import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { dispatchDueEmails } from "@/lib/email/dispatch";
import { getMailTransport, resetMailTransportForTests } from "@/lib/email/transports";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";
import { readUiStream, statusesOf } from "@/tests/support/ui-stream";
import { createSmtpSink } from "@/tests/support/smtp-sink";

/*
 * Fault: the mail server is down. Tickets are resolved through the real route while the
 * product's configured SMTP server (SMTP_URL, a real SMTP server in this process) is
 * stopped, then up but refusing with a temporary 421, then back. The outbox keeps every
 * row with the error of its last attempt, retries only when due, and once the server is
 * back delivers each e-mail exactly once, counted by Message-ID at the server, even with
 * several dispatchers (app processes) draining the outbox at the same time.
 */

const saved = { ...process.env };
const smtp = createSmtpSink();
const received = smtp.received;
let tenant: TestTenant;

beforeAll(async () => {
  await smtp.start();
  Object.assign(process.env, { SMTP_URL: smtp.url, RESEND_API_KEY: "" });
  resetEnvForTests();
  resetMailTransportForTests();
  tenant = await createTestTenant("fault-mail");
  await seedKnowledgeBase(tenant);
});

afterEach(() => setChatModelForTests(undefined));

afterAll(async () => {
  await smtp.stop();
  process.env = { ...saved };
  resetEnvForTests();
  resetMailTransportForTests();
  await closePool();
});

/** A visitor's question handed to a human, with the visitor's e-mail address; returns the ticket id. */
async function waitingTicket(question: string, email: string): Promise<string> {
  setChatModelForTests(mockChatModel({ relevant: "all", answer: "Perhaps [1].", score: 0.05 }));
  const { token, conversationId } = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
  const chunks = await readUiStream(await streamRoute(jsonRequest("/chat/stream", { token, message: question })));
  expect(statusesOf(chunks).at(-1)).toBe("waiting_for_agent");
  expect((await emailRoute(jsonRequest("/chat/email", { token, email }))).status).toBe(200);
  const { rows } = await withService((tx) => tx.query<{ id: string }>("select id from public.tickets where conversation_id = $1", [conversationId]));
  return rows[0].id;
}

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  due_in_s: number;
}

async function outbox(ticketIds: string[]): Promise<OutboxRow[]> {
  return withService(async (tx) => {
    const { rows } = await tx.query<OutboxRow>(
      `select id, status, attempts, last_error, extract(epoch from next_attempt_at - now())::float8 as due_in_s
         from public.email_outbox where ticket_id = any($1::uuid[]) order by id`,
      [ticketIds],
    );
    return rows;
  });
}

/** As if the retry delay had passed (rows of other test files are left alone). */
const makeDue = (ids: string[]) =>
  withService((tx) => tx.query("update public.email_outbox set next_attempt_at = now() where id = any($1::uuid[])", [ids]));

/** Messages the SMTP server received, per outbox row (the Message-ID is derived from the row's id). */
function deliveriesOf(rows: OutboxRow[]): number[] {
  return rows.map((row) => received.filter((mail) => mail.messageId === `<${row.id}@localhost>`).length);
}

describe("mail server down", { timeout: 60_000 }, () => {
  it("keeps the e-mails of resolved tickets in the outbox with the error, then delivers each exactly once", async () => {
    expect(getMailTransport().name).toBe("smtp");
    const visitors = ["ana@example.com", "ben@example.com", "chloe@example.com"];
    const tickets = [];
    for (const [i, email] of visitors.entries()) tickets.push(await waitingTicket(`Can I pay invoice ${i + 1} by cheque?`, email));

    await smtp.stop();
    const staff = await staffHeaders(await tenant.staff("agent"));
    for (const ticketId of tickets) {
      const resolved = await resolveRoute(
        jsonRequest(`/admin/tickets/${ticketId}/resolve`, { answer: "Yes, cheques are accepted.", notify_email: true }, staff),
        routeParams({ id: ticketId }),
      );
      // The reply is delivered in the chat whatever the mail server does.
      expect(resolved.status).toBe(200);
    }

    // Down: every attempt fails, every row stays with its error and a retry time.
    await dispatchDueEmails();
    let rows = await outbox(tickets);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row.last_error).toMatch(/ECONNREFUSED/);
      expect(row.due_in_s).toBeGreaterThan(20);
    }
    // Not due yet: another pass leaves them alone.
    await dispatchDueEmails();
    expect((await outbox(tickets)).map((r) => r.attempts)).toEqual([1, 1, 1]);

    // Up but refusing for now (421): still a retry, never given up, with that error now.
    smtp.refuse.connections = true;
    await smtp.start();
    await makeDue(rows.map((r) => r.id));
    await dispatchDueEmails();
    rows = await outbox(tickets);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "pending", attempts: 2 });
      expect(row.last_error).toMatch(/421/);
      expect(row.due_in_s).toBeGreaterThan(50);
    }
    expect(deliveriesOf(rows)).toEqual([0, 0, 0]);

    // Back: several app processes drain the outbox at once; each e-mail arrives once.
    smtp.refuse.connections = false;
    await makeDue(rows.map((r) => r.id));
    await Promise.all([dispatchDueEmails(), dispatchDueEmails(), dispatchDueEmails()]);
    await dispatchDueEmails();
    await makeDue(rows.map((r) => r.id));
    await dispatchDueEmails();

    rows = await outbox(tickets);
    expect(rows.map((r) => ({ status: r.status, attempts: r.attempts, last_error: r.last_error }))).toEqual(
      rows.map(() => ({ status: "sent", attempts: 3, last_error: null })),
    );
    expect(deliveriesOf(rows)).toEqual([1, 1, 1]);
    const recipients = rows.map((row) => received.find((mail) => mail.messageId === `<${row.id}@localhost>`)!);
    expect(recipients.map((mail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address).sort()).toEqual(visitors);
    for (const mail of recipients) expect(mail.text).toContain("Yes, cheques are accepted.");
  });
});
