import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { getAgentGraph } from "@/lib/agent/graph";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { dispatchDueEmails } from "@/lib/email/dispatch";
import { createSmtpTransport, type MailTransport } from "@/lib/email/transports";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";
import { readUiStream, statusesOf } from "@/tests/support/ui-stream";
import { holdLock, sessionGone, sessionsWaitingOnLock, until } from "@/tests/support/db-waits";
import { createSmtpSink } from "@/tests/support/smtp-sink";

/*
 * Fault: the app process is killed (SIGKILL) while it resolves a ticket. The resolve
 * route runs in a second Node process (tests/support/app-server-process.ts); the test
 * stops it at a known point by holding, on its own connection, a lock the resolution
 * needs, waits until the process's session is blocked on it, and kills the process:
 *  - inside the resolution's transaction (after the claim, the ticket row updated, before
 *    the human message is inserted);
 *  - after that transaction committed, while the paused workflow's checkpoint is written.
 * After a restart the staff member sends the same reply again. Either way the ticket ends
 * resolved once, with one human message and exactly one e-mail (counted at a real SMTP
 * server by Message-ID), and the visitor's conversation is consistent.
 */

const onPglite = process.env.TEST_DATABASE_KIND === "pglite";
const children = new Set<ChildProcess>();
const smtp = createSmtpSink();
const received = smtp.received;
let transport: MailTransport;
let tenant: TestTenant;
let appRole: string;

beforeAll(async () => {
  if (onPglite) return;
  appRole = decodeURIComponent(new URL(process.env.DATABASE_URL!).username);
  await smtp.start();
  transport = createSmtpTransport(smtp.url);
  tenant = await createTestTenant("fault-resolve");
  await seedKnowledgeBase(tenant);
});

afterEach(() => setChatModelForTests(undefined));

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await smtp.stop();
  await closePool();
});

/** The app: the resolve route in its own process, warm (graph and checkpointer set up). */
async function startAppProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/register.mjs", "tests/support/app-server-process.ts"], {
    cwd: process.cwd(),
    env: process.env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.on("message", (message: { listening?: string }) => message.listening && resolve(message.listening));
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before listening`)));
  });
  return { child, url };
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  children.delete(child);
}

/** A visitor's question handed to a human: the workflow paused in escalate, the visitor's e-mail known. */
async function pausedTicket(question: string) {
  setChatModelForTests(mockChatModel({ relevant: "all", answer: "Perhaps [1].", score: 0.05 }));
  const { token, conversationId } = await (await sessionRoute(jsonPost("/chat/session", { widgetKey: tenant.widgetKey }))).json();
  const chunks = await readUiStream(await streamRoute(jsonPost("/chat/stream", { token, message: question })));
  expect(statusesOf(chunks).at(-1)).toBe("waiting_for_agent");
  expect((await emailRoute(jsonPost("/chat/email", { token, email: "visitor@example.com" }))).status).toBe(200);
  const { rows } = await withService((tx) =>
    tx.query<{ id: string; thread_id: string }>("select id, thread_id from public.tickets where conversation_id = $1", [conversationId]),
  );
  return { conversationId, ticketId: rows[0].id, threadId: rows[0].thread_id };
}

function jsonPost(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

async function ticketState(ticketId: string) {
  return withService(async (tx) => {
    const ticket = await tx.query<{ status: string; answer: string | null; resolved_by: string | null; resolving_by: string | null }>(
      "select status, answer, resolved_by, resolving_by from public.tickets where id = $1",
      [ticketId],
    );
    const human = await tx.query<{ content: string }>("select content from public.messages where ticket_id = $1 and sender_type = 'human'", [ticketId]);
    const emails = await tx.query<{ id: string }>("select id from public.email_outbox where ticket_id = $1", [ticketId]);
    const audit = await tx.query("select 1 from public.audit_log where target_id = $1 and action = 'ticket.resolved'", [ticketId]);
    return { ...ticket.rows[0], human: human.rows.map((r) => r.content), emails: emails.rows.map((r) => r.id), resolvedAudits: audit.rowCount };
  });
}

/**
 * Sends the reply to the app process while the test holds `lockSql`; once the process's
 * session waits on the lock (and `ready` holds), kills the process, then lets go.
 */
async function killDuringResolve(ticketId: string, body: unknown, staff: Record<string, string>, lockSql: string, ready: () => Promise<boolean>) {
  const app = await startAppProcess();
  const lock = await holdLock(lockSql);
  let blocked: number[] = [];
  try {
    const sent = fetch(`${app.url}/admin/tickets/${ticketId}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json", ...staff },
      body: JSON.stringify(body),
    }).then((response) => response.status, (error: Error) => error);
    await until(async () => (blocked = await sessionsWaitingOnLock(appRole)).length > 0 && (await ready()), "the resolution to block on the lock", 15_000);
    await killHard(app.child);
    // The staff member's browser sees the connection drop, not an answer.
    expect(await sent).toBeInstanceOf(Error);
  } finally {
    await lock.release();
    // A killed client's server session ends (rolling back what it had not committed) once it is no longer blocked.
    for (const pid of blocked) await until(() => sessionGone(pid), `the killed process's session ${pid} to end`);
  }
}

async function sendAgain(url: string, ticketId: string, body: unknown, staff: Record<string, string>) {
  const response = await fetch(`${url}/admin/tickets/${ticketId}/resolve`, { method: "POST", headers: { "content-type": "application/json", ...staff }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { ticket?: { status: string }; error?: { details?: unknown } } };
}

/** Sends what is due; returns how many messages the SMTP server received per outbox row. */
async function deliveredPerRow(ids: string[]): Promise<number[]> {
  await dispatchDueEmails({ transport });
  await dispatchDueEmails({ transport });
  return ids.map((id) => received.filter((mail) => mail.messageId === `<${id}@localhost>`).length);
}

async function workflowNext(threadId: string): Promise<string[]> {
  const state = await (await getAgentGraph()).getState({ configurable: { thread_id: threadId } });
  return [...state.next];
}

describe.skipIf(onPglite)("app process killed during resolve", { timeout: 90_000 }, () => {
  it("killed inside the resolution's transaction: nothing was delivered; after a restart the resend resolves once", async () => {
    const paused = await pausedTicket("Can I change the billing currency?");
    const staffClaims = await tenant.staff("agent");
    const staff = await staffHeaders(staffClaims);
    const reply = { answer: "Yes, under Billing, then Currency.", notify_email: true };

    await killDuringResolve(paused.ticketId, reply, staff, "lock table public.messages in share row exclusive mode", async () => true);

    // The claim had committed; the resolution's transaction had not.
    const killed = await ticketState(paused.ticketId);
    expect(killed).toMatchObject({ status: "pending_human", answer: null, resolving_by: staffClaims.sub, human: [], emails: [], resolvedAudits: 0 });
    expect(await workflowNext(paused.threadId)).toEqual(["escalate"]);

    const restarted = await startAppProcess();
    try {
      // Within the claim's minute the resend is told the ticket is being resolved: not answered twice.
      const early = await sendAgain(restarted.url, paused.ticketId, reply, staff);
      expect(early).toMatchObject({ status: 409, body: { error: { details: { status: "resolving" } } } });
      // The dead process's claim times out (as if its minute had passed): the resend goes through.
      await withService((tx) => tx.query("update public.tickets set resolving_at = now() - interval '61 seconds' where id = $1", [paused.ticketId]));
      const again = await sendAgain(restarted.url, paused.ticketId, reply, staff);
      expect(again).toMatchObject({ status: 200, body: { ticket: { status: "resolved" } } });
      expect((await sendAgain(restarted.url, paused.ticketId, reply, staff)).status).toBe(409);
    } finally {
      await killHard(restarted.child);
    }

    const done = await ticketState(paused.ticketId);
    expect(done).toMatchObject({ status: "resolved", answer: reply.answer, resolved_by: staffClaims.sub, resolving_by: null, human: [reply.answer], resolvedAudits: 1 });
    expect(done.emails).toHaveLength(1);
    expect(await deliveredPerRow(done.emails)).toEqual([1]);
    expect(await workflowNext(paused.threadId)).toEqual([]);
  });

  it("killed after the resolution committed, while the workflow's checkpoint is written: the resend changes nothing", async () => {
    const paused = await pausedTicket("Can I pay in Swiss francs?");
    const staffClaims = await tenant.staff("agent");
    const staff = await staffHeaders(staffClaims);
    const reply = { answer: "Yes, Swiss francs are accepted.", notify_email: true };
    const resolvedNow = async () => (await ticketState(paused.ticketId)).status === "resolved";

    await killDuringResolve(
      paused.ticketId,
      reply,
      staff,
      "lock table langgraph.checkpoints, langgraph.checkpoint_blobs, langgraph.checkpoint_writes in exclusive mode",
      resolvedNow,
    );

    // Everything the customer gets had committed together; only the checkpoint is behind.
    const killed = await ticketState(paused.ticketId);
    expect(killed).toMatchObject({ status: "resolved", answer: reply.answer, resolved_by: staffClaims.sub, resolving_by: null, human: [reply.answer], resolvedAudits: 1 });
    expect(killed.emails).toHaveLength(1);

    const restarted = await startAppProcess();
    try {
      const again = await sendAgain(restarted.url, paused.ticketId, reply, staff);
      expect(again).toMatchObject({ status: 409, body: { error: { details: { status: "resolved" } } } });
    } finally {
      await killHard(restarted.child);
    }

    const done = await ticketState(paused.ticketId);
    expect(done).toEqual(killed);
    expect(await deliveredPerRow(done.emails)).toEqual([1]);
  });
});
