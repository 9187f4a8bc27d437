import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { GET as historyRoute } from "@/app/(widget)/chat/history/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";
import { startTcpProxy, type TcpProxy } from "@/tests/support/tcp-proxy";
import { readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";
import { holdLock, sessionGone, sessionsWaitingOnLock, until } from "@/tests/support/db-waits";

/*
 * Fault: the database restarts in the middle of conversations. The app's pool reaches
 * PostgreSQL through a TCP proxy; stopping the proxy is what a restart looks like from
 * the app: every connection cut at once, new ones refused until it is back. To catch a
 * request mid-transaction, the test (on its own direct connection) holds a lock the
 * request's transaction needs, and restarts while it waits. Such a request fails at once
 * with a clear error and leaves nothing half-written; the next one succeeds on fresh
 * connections; a conversation paused in escalation is resumed by a staff reply, live.
 */

const onPglite = process.env.TEST_DATABASE_KIND === "pglite";
const saved = { ...process.env };
const CONFIDENT = "Orders ship within 2 business days [1].";
let proxy: TcpProxy;
let tenant: TestTenant;
let appRole: string;
// An uncaught exception ends a Node process: here, the app server. Vitest reports them
// too; recording them lets each test say which fault would have taken the app down.
const uncaught: Error[] = [];
const recordUncaught = (error: Error) => uncaught.push(error);

beforeAll(async () => {
  if (onPglite) return;
  process.on("uncaughtException", recordUncaught);
  const direct = new URL(process.env.DATABASE_URL!);
  appRole = decodeURIComponent(direct.username);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(direct);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  await closePool();
  process.env.DATABASE_URL = proxied.toString();
  resetEnvForTests();
  tenant = await createTestTenant("fault-db");
  await seedKnowledgeBase(tenant);
});

afterEach(async () => {
  setChatModelForTests(undefined);
  await proxy?.start();
  // Whatever the restart did, the app process lives on.
  expect(uncaught.splice(0).map((error) => error.message)).toEqual([]);
});

afterAll(async () => {
  process.off("uncaughtException", recordUncaught);
  await closePool();
  await proxy?.stop();
  process.env = { ...saved };
  resetEnvForTests();
});

async function startSession(): Promise<{ token: string; conversationId: string }> {
  const response = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }));
  expect(response.status).toBe(201);
  return response.json();
}

const askRequest = (token: string, message: string) => streamRoute(jsonRequest("/chat/stream", { token, message }));

/** Fails the test if a request hangs instead of answering. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms))]);
}

/**
 * Runs `request` while the test blocks inserts into public.messages; once the request's
 * session waits on that lock, the database "restarts" (the proxy cuts every connection
 * and refuses new ones). Returns the request's response and the blocked server session,
 * which ends (rolling back) once the lock is gone; the proxy stays down.
 */
async function restartWhileInFlight(request: () => Promise<Response>): Promise<{ response: Response; elapsedMs: number }> {
  const lock = await holdLock("lock table public.messages in share row exclusive mode");
  let blocked: number[] = [];
  try {
    const inFlight = request();
    await until(async () => (blocked = await sessionsWaitingOnLock(appRole)).length > 0, "the request to wait inside its transaction");
    const started = Date.now();
    await proxy.stop();
    const response = await within(10_000, "the in-flight request", inFlight);
    return { response, elapsedMs: Date.now() - started };
  } finally {
    await lock.release();
    for (const pid of blocked) await until(() => sessionGone(pid), `the cut session ${pid} to end`);
  }
}

async function expectCleanFailure(response: Response) {
  expect(response.status).toBe(500);
  const body = await response.json();
  // The safe public message; nothing of the driver's error reaches the caller.
  expect(body).toEqual({ error: { code: "internal", message: "Something went wrong on our side. Please try again." } });
}

async function rowsOf(conversationId: string) {
  return withService(async (tx) => {
    const messages = await tx.query<{ sender_type: string; content: string }>(
      "select sender_type, content from public.messages where conversation_id = $1 order by created_at, id",
      [conversationId],
    );
    const tickets = await tx.query<{ id: string; status: string; resolving_by: string | null }>(
      "select id, status, resolving_by from public.tickets where conversation_id = $1",
      [conversationId],
    );
    const emails = await tx.query("select 1 from public.email_outbox where ticket_id = any($1::uuid[])", [tickets.rows.map((t) => t.id)]);
    return { messages: messages.rows, tickets: tickets.rows, emails: emails.rowCount };
  });
}

/** A question handed to a human (paused in escalate), with the visitor's e-mail address. */
async function escalatedConversation(question: string) {
  setChatModelForTests(mockChatModel({ relevant: "all", answer: "Perhaps [1].", score: 0.05 }));
  const session = await startSession();
  const chunks = await readUiStream(await askRequest(session.token, question));
  expect(statusesOf(chunks).at(-1)).toBe("waiting_for_agent");
  expect((await emailRoute(jsonRequest("/chat/email", { token: session.token, email: "visitor@example.com" }))).status).toBe(200);
  const { tickets, messages } = await rowsOf(session.conversationId);
  return { ...session, ticketId: tickets[0].id, messages };
}

/** The widget's side of a live SSE stream: read until some text, or until a human message. */
function liveReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const readUntil = async <T>(found: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error("timed out reading the live stream");
      const read = await within(timeoutMs, "the live stream", reader.read());
      if (read.done) throw new Error("the live stream ended");
      buffer += read.value;
    }
  };
  const human = () => {
    for (const block of buffer.split("\n\n")) {
      const data = block.split("\n").find((line) => line.startsWith("data: "));
      if (!block.includes("event: message") || !data) continue;
      const message = JSON.parse(data.slice(6)) as { senderType: string; content: string };
      if (message.senderType === "human") return message;
    }
    return undefined;
  };
  return {
    connected: () => readUntil(() => (buffer.includes(": connected") ? true : undefined), 5_000),
    nextHumanMessage: (timeoutMs: number) => readUntil(human, timeoutMs),
    close: () => reader.cancel(),
  };
}

describe.skipIf(onPglite)("database restarted mid-conversation", { timeout: 60_000 }, () => {
  it("fails the visitor's question in flight cleanly, refuses quickly while down, and answers the next on fresh connections", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: CONFIDENT, score: 0.95 }));
    // The pool holds live connections from earlier requests when the restart comes.
    const warm = await startSession();
    expect(statusesOf(await readUiStream(await askRequest(warm.token, "How long does shipping take?"))).at(-1)).toBe("resolved");

    const visitor = await startSession();
    const { response, elapsedMs } = await restartWhileInFlight(() => askRequest(visitor.token, "How long does standard shipping take?"));
    await expectCleanFailure(response);
    expect(elapsedMs).toBeLessThan(2_000);

    // While the database is down, a request fails at once instead of waiting.
    const started = Date.now();
    await expectCleanFailure(await within(10_000, "a request while the database is down", askRequest(visitor.token, "Are you there?")));
    expect(Date.now() - started).toBeLessThan(2_000);

    // Nothing of either attempt was written: the cut transaction rolled back.
    expect(await rowsOf(visitor.conversationId)).toEqual({ messages: [], tickets: [], emails: 0 });

    await proxy.start();
    const connectionsBefore = proxy.accepted;
    const retried = await readUiStream(await askRequest(visitor.token, "How long does standard shipping take?"));
    expect(statusesOf(retried).at(-1)).toBe("resolved");
    expect(textOf(retried)).toBe(CONFIDENT);
    expect(proxy.accepted).toBeGreaterThan(connectionsBefore);
    expect((await rowsOf(visitor.conversationId)).messages).toEqual([
      { sender_type: "user", content: "How long does standard shipping take?" },
      { sender_type: "ai", content: CONFIDENT },
    ]);
  });

  it("resumes a conversation paused in escalation: the staff reply after the restart reaches the open widget", async () => {
    const paused = await escalatedConversation("Can I pay by cheque?");
    const response = await eventsRoute(new Request(`http://localhost/chat/events?token=${paused.token}`));
    expect(response.status).toBe(200);
    const live = liveReader(response);
    await live.connected();

    // A restart of about a second; the live stream's polls fail meanwhile and carry on.
    await proxy.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await proxy.start();

    const answer = "Yes, cheques are accepted.";
    const staff = await staffHeaders(await tenant.staff("agent"));
    const resolved = await resolveRoute(
      jsonRequest(`/admin/tickets/${paused.ticketId}/resolve`, { answer, notify_email: true }, staff),
      routeParams({ id: paused.ticketId }),
    );
    expect(resolved.status).toBe(200);
    try {
      // The stream opened before the restart delivers it (its polls failed while the database was down).
      expect((await live.nextHumanMessage(10_000)).content).toBe(answer);
    } finally {
      await live.close();
    }

    const history = await (await historyRoute(new Request("http://localhost/chat/history", { headers: { authorization: `Bearer ${paused.token}` } }))).json();
    expect(history.messages.map((m: { senderType: string }) => m.senderType).at(-1)).toBe("human");
    const rows = await rowsOf(paused.conversationId);
    expect(rows.tickets).toMatchObject([{ status: "resolved", resolving_by: null }]);
    expect(rows.emails).toBe(1);
  });

  it("fails a staff reply in flight cleanly, with nothing half-done, and delivers it once when sent again", async () => {
    const paused = await escalatedConversation("Do you ship to Iceland?");
    const staff = await staffHeaders(await tenant.staff("agent"));
    const answer = "Yes, we ship to Iceland.";
    const send = () =>
      resolveRoute(jsonRequest(`/admin/tickets/${paused.ticketId}/resolve`, { answer, notify_email: true }, staff), routeParams({ id: paused.ticketId }));

    const { response, elapsedMs } = await restartWhileInFlight(send);
    await expectCleanFailure(response);
    expect(elapsedMs).toBeLessThan(2_000);
    await proxy.start();

    // The resolution was one transaction: no human message, no e-mail, the ticket still waiting.
    let rows = await rowsOf(paused.conversationId);
    expect(rows.messages).toEqual(paused.messages);
    expect(rows.emails).toBe(0);
    expect(rows.tickets[0].status).toBe("pending_human");

    // The failed request could not give its claim back while the database was down: a
    // resend within the claim's minute is told so (409), not answered twice; then the
    // claim has timed out (as if the minute had passed) and the resend goes through.
    expect(rows.tickets[0].resolving_by).not.toBeNull();
    const early = await send();
    expect(early.status).toBe(409);
    expect((await early.json()).error.details).toEqual({ status: "resolving" });
    await withService((tx) => tx.query("update public.tickets set resolving_at = now() - interval '61 seconds' where id = $1", [paused.ticketId]));

    const again = await send();
    expect(again.status).toBe(200);
    expect((await again.json()).ticket).toMatchObject({ status: "resolved", answer });
    rows = await rowsOf(paused.conversationId);
    expect(rows.messages).toEqual([...paused.messages, { sender_type: "human", content: answer }]);
    expect(rows.emails).toBe(1);
    expect((await send()).status).toBe(409);
  });
});
