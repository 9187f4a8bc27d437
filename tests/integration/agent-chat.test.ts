import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { GET as ticketRoute } from "@/app/(staff)/admin/tickets/[id]/route";
import { GET as ticketsRoute } from "@/app/(staff)/admin/tickets/route";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { GET as historyRoute } from "@/app/(widget)/chat/history/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { getEmbedder } from "@/lib/ai/embeddings";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel, modelCallCount } from "@/tests/support/mock-chat-model";
import { metadataOf, readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";

let tenantA: TestTenant;
let tenantB: TestTenant;

beforeAll(async () => {
  [tenantA, tenantB] = [await createTestTenant("chat-a"), await createTestTenant("chat-b")];
  await seedKnowledgeBase(tenantA);
  await seedKnowledgeBase(tenantB);
});

afterEach(() => setChatModelForTests(undefined));
afterAll(() => closePool());

async function startSession(tenant: TestTenant): Promise<{ token: string; conversationId: string }> {
  const response = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }));
  expect(response.status).toBe(201);
  return response.json();
}

async function ask(token: string, message: string) {
  const response = await streamRoute(jsonRequest("/chat/stream", { token, message }));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  return readUiStream(response);
}

function waitingTicket(chunks: Awaited<ReturnType<typeof ask>>) {
  const part = chunks.find((c) => c.type === "data-status" && (c.data as { status: string }).status === "waiting_for_agent");
  return part?.type === "data-status" ? (part.data as { ticketId: string; ticketNumber: number }) : undefined;
}

/** Reads SSE events from the live endpoint until one matches, or fails after a timeout. */
async function nextLiveMessage(response: Response, match: (m: { senderType: string; content: string }) => boolean) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (const block of buffer.split("\n\n")) {
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (block.includes("event: message") && data) {
          const message = JSON.parse(data.slice(6));
          if (match(message)) return message;
        }
      }
    }
    throw new Error("no matching live message");
  } finally {
    await reader.cancel();
  }
}

describe("the chat loop through the route handlers", () => {
  it("miss → low confidence → ticket → human answer in chat, e-mail and cache → cache hits with no model call", async () => {
    const model = mockChatModel({ relevant: "all", answer: "I think so [1].", score: 0.05 });
    setChatModelForTests(model);
    const session = await startSession(tenantA);
    const question = "Do you accept payment in bitcoin?";

    const first = await ask(session.token, question);
    expect(statusesOf(first)).toEqual(["checking_cache", "searching", "answering", "waiting_for_agent"]);
    const ticket = waitingTicket(first)!;
    expect(textOf(first)).toBe(
      `I need to check this with an expert. Ticket #${ticket.ticketNumber} created. A member of our team will reply here. Leave your email address below if you would like the answer by email too.`,
    );
    expect(textOf(first)).not.toContain("I think so");
    expect(metadataOf(first)).toMatchObject({ fromCache: false, ticketNumber: ticket.ticketNumber });
    const callsBeforeResolution = modelCallCount(model);
    expect(callsBeforeResolution).toBe(3);

    const email = await emailRoute(jsonRequest("/chat/email", { token: session.token, email: "Visitor@Example.com" }));
    expect(await email.json()).toEqual({ email: "visitor@example.com", ticketsUpdated: 1 });

    const staff = await staffHeaders(await tenantA.staff("agent"));
    const pending = await (await ticketsRoute(new Request("http://localhost/admin/tickets?status=pending_human", { headers: staff }), routeParams({}))).json();
    expect(pending.tickets).toHaveLength(1);
    expect(pending.tickets[0]).toMatchObject({ id: ticket.ticketId, question, draft: "I think so [1].", userEmail: "visitor@example.com" });
    expect(pending.tickets[0].confidence).toBeLessThan(0.7);
    expect(pending.tickets[0].context.length).toBeGreaterThan(0);

    const live = await eventsRoute(new Request(`http://localhost/chat/events?token=${session.token}`));
    expect(live.headers.get("content-type")).toContain("text/event-stream");
    const liveHuman = nextLiveMessage(live, (m) => m.senderType === "human");

    const answer = "Not yet: we accept cards and bank transfers only.";
    // The reply is for this visitor; the cache learns the reviewed, generic entry (here: the same text).
    const reusable = { question, answer };
    const resolved = await resolveRoute(
      jsonRequest(`/admin/tickets/${ticket.ticketId}/resolve`, { answer, notify_email: true, reusable }, staff),
      routeParams({ id: ticket.ticketId }),
    );
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).ticket).toMatchObject({ status: "resolved", answer });
    expect((await liveHuman).content).toBe(answer);

    const history = await (await historyRoute(new Request("http://localhost/chat/history", { headers: { authorization: `Bearer ${session.token}` } }))).json();
    expect(history.messages.map((m: { senderType: string }) => m.senderType)).toEqual(["user", "system", "human"]);
    expect(history.messages[2].content).toBe(answer);
    expect(history.tickets).toEqual([{ id: ticket.ticketId, number: ticket.ticketNumber, status: "resolved" }]);

    const outbox = await withService((tx) =>
      tx.query("select to_address, template, payload from public.email_outbox where ticket_id = $1", [ticket.ticketId]),
    );
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0]).toMatchObject({ to_address: "visitor@example.com", template: "ticket-answered" });
    expect(outbox.rows[0].payload).toMatchObject({ ticketNumber: ticket.ticketNumber, question, answer });

    const cache = await withService((tx) =>
      tx.query("select source, answer from public.cache_entries where tenant_id = $1 and ticket_id = $2", [tenantA.id, ticket.ticketId]),
    );
    expect(cache.rows).toEqual([{ source: "human", answer }]);

    for (const again of [question, "do you accept bitcoin payments", "Is payment in bitcoin accepted?"]) {
      const next = await ask((await startSession(tenantA)).token, again);
      expect(statusesOf(next)).toEqual(["checking_cache", "resolved"]);
      expect(textOf(next)).toBe(answer);
      expect(metadataOf(next)).toMatchObject({ fromCache: true, modelCalls: 0 });
    }
    expect(modelCallCount(model)).toBe(callsBeforeResolution);

    const detail = await (await ticketRoute(new Request(`http://localhost/admin/tickets/${ticket.ticketId}`, { headers: staff }), routeParams({ id: ticket.ticketId }))).json();
    expect(detail.ticket.resolvedBy.email).toMatch(/^agent-/);
    expect(detail.ticket.messages).toHaveLength(3);
  });

  it("auto-caches a confident answer with its citations; tenant B asking the same question misses", async () => {
    const model = mockChatModel({ relevant: "all", answer: "Orders ship within 2 business days [1].", score: 0.95 });
    setChatModelForTests(model);
    const question = "How long does standard shipping take?";

    const answered = await ask((await startSession(tenantA)).token, question);
    expect(statusesOf(answered)).toEqual(["checking_cache", "searching", "answering", "resolved"]);
    expect(textOf(answered)).toBe("Orders ship within 2 business days [1].");
    expect(answered).toContainEqual(expect.objectContaining({ type: "source-url", title: "Shipping times", url: "https://help.example.com/shipping" }));
    expect(metadataOf(answered)).toMatchObject({ fromCache: false, offline: false });
    expect(metadataOf(answered).confidence).toBeGreaterThanOrEqual(0.7);
    // The answer records the model calls it really cost (grade, generate, assess).
    const stored = await withService((tx) =>
      tx.query<{ calls: number }>(
        "select (metadata ->> 'modelCalls')::int as calls from public.messages where tenant_id = $1 and sender_type = 'ai' and content = $2",
        [tenantA.id, "Orders ship within 2 business days [1]."],
      ),
    );
    expect(stored.rows).toEqual([{ calls: modelCallCount(model) }]);

    const cached = await withService((tx) =>
      tx.query<{ source: string; citations: { title: string }[] }>(
        "select source, citations from public.cache_entries where tenant_id = $1 and question = $2",
        [tenantA.id, question],
      ),
    );
    expect(cached.rows).toHaveLength(1);
    expect(cached.rows[0].source).toBe("ai");
    expect(cached.rows[0].citations[0].title).toBe("Shipping times");

    const hit = await ask((await startSession(tenantA)).token, question);
    expect(metadataOf(hit)).toMatchObject({ fromCache: true, modelCalls: 0 });
    expect(hit).toContainEqual(expect.objectContaining({ type: "source-url", title: "Shipping times" }));
    // The answer, its cache entry and the cached reply all record the embedding model.
    const recorded = await withService((tx) =>
      tx.query<{ model: string }>(
        `select m.metadata->>'embeddingModel' as model from public.messages m
         where m.tenant_id = $1 and m.sender_type = 'ai' and m.content = $2
         union all select embedding_model from public.cache_entries where tenant_id = $1 and question = $3`,
        [tenantA.id, "Orders ship within 2 business days [1].", question],
      ),
    );
    expect(recorded.rows).toHaveLength(3);
    expect(recorded.rows.every((r) => r.model === getEmbedder().modelId)).toBe(true);

    const callsBefore = modelCallCount(model);
    const otherTenant = await ask((await startSession(tenantB)).token, question);
    expect(statusesOf(otherTenant)).toEqual(["checking_cache", "searching", "answering", "resolved"]);
    expect(metadataOf(otherTenant)).toMatchObject({ fromCache: false });
    expect(modelCallCount(model)).toBe(callsBefore + 3);
  });

  it("escalates, with the bridge message, when the model fails", async () => {
    setChatModelForTests(mockChatModel({ failAt: "generate" }));
    const chunks = await ask((await startSession(tenantA)).token, "How do I enable two-factor authentication?");
    expect(statusesOf(chunks).at(-1)).toBe("waiting_for_agent");
    expect(textOf(chunks)).toMatch(/^I need to check this with an expert\. Ticket #\d+ created\./);
  });
});
