import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { GET as historyRoute } from "@/app/(widget)/chat/history/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";

/**
 * Message metadata also serves staff: who resolved a ticket, which cache entry answered
 * and how similar it was. Everything a visitor's token can fetch is checked here.
 */
let tenant: TestTenant;
const STAFF_ONLY = /similarity|cacheSource|resolvedBy|resolved_by|cacheEntryId|vectorSimilarity/;

beforeAll(async () => {
  tenant = await createTestTenant("privacy");
  await seedKnowledgeBase(tenant);
});
afterEach(() => setChatModelForTests(undefined));
afterAll(() => closePool());

async function startSession(): Promise<{ token: string; conversationId: string }> {
  return (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
}

async function askText(token: string, message: string): Promise<string> {
  const response = await streamRoute(jsonRequest("/chat/stream", { token, message }));
  expect(response.status).toBe(200);
  return response.text();
}

async function historyText(token: string): Promise<string> {
  const response = await historyRoute(new Request("http://localhost/chat/history", { headers: { authorization: `Bearer ${token}` } }));
  expect(response.status).toBe(200);
  return response.text();
}

/** Every message event the live stream sends from the conversation's start, as raw text. */
async function liveEventsText(token: string, expected: number): Promise<string> {
  // A cursor that names no message of this conversation counts as "from the start".
  const response = await eventsRoute(new Request(`http://localhost/chat/events?token=${token}&after=${randomUUID()}`));
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < deadline && (text.match(/event: message/g) ?? []).length < expected) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

async function storedMetadata(conversationId: string) {
  const { rows } = await withService((tx) =>
    tx.query<{ id: string; sender_type: string; metadata: Record<string, unknown>; author_id: string | null; cache_entry_id: string | null }>(
      "select id, sender_type, metadata, author_id, cache_entry_id from public.messages where conversation_id = $1 order by created_at, id",
      [conversationId],
    ),
  );
  return rows;
}

describe("what a visitor can see of message metadata", () => {
  it("a cache hit tells the visitor it was instant, never its source or similarity", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Orders ship within 2 business days [1].", score: 0.95 }));
    const question = "How long does standard shipping take?";
    await askText((await startSession()).token, question);

    const visitor = await startSession();
    const streamed = await askText(visitor.token, question);
    expect(streamed).toContain('"fromCache":true');
    expect(streamed).not.toMatch(STAFF_ONLY);

    const stored = await storedMetadata(visitor.conversationId);
    // The row really knows which entry answered (in a column visitors cannot read, not in
    // the metadata): the assertions below are not vacuous.
    expect(stored[1].metadata).toMatchObject({ fromCache: true });
    expect(stored[1].metadata).not.toHaveProperty("cacheSource");
    expect(stored[1].cache_entry_id).toEqual(expect.any(String));

    const history = await historyText(visitor.token);
    expect(JSON.parse(history).messages[1].metadata).toMatchObject({ fromCache: true });
    expect(history).not.toMatch(STAFF_ONLY);
    const live = await liveEventsText(visitor.token, stored.length);
    expect(live).toContain('"fromCache":true');
    expect(live).not.toMatch(STAFF_ONLY);
  });

  it("a human answer carries no staff id in the history or the live stream", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Maybe [1].", score: 0.05 }));
    const visitor = await startSession();
    const streamed = await askText(visitor.token, "Can I pay with seashells?");
    expect(streamed).toContain("waiting_for_agent");
    const agent = await tenant.staff("agent");
    const ticket = await withService((tx) =>
      tx.query<{ id: string }>("select id from public.tickets where conversation_id = $1", [visitor.conversationId]),
    );
    const ticketId = ticket.rows[0].id;
    const resolved = await resolveRoute(
      jsonRequest(`/admin/tickets/${ticketId}/resolve`, { answer: "No, cards only.", notify_email: false }, await staffHeaders(agent)),
      routeParams({ id: ticketId }),
    );
    expect(resolved.status).toBe(200);

    const stored = await storedMetadata(visitor.conversationId);
    // The author is recorded (in a column visitors cannot read): the checks below are not vacuous.
    expect(stored.find((m) => m.sender_type === "human")?.author_id).toBe(agent.sub);

    const history = await historyText(visitor.token);
    expect(JSON.parse(history).messages.map((m: { senderType: string }) => m.senderType)).toEqual(["user", "system", "human"]);
    expect(history).not.toContain(agent.sub!);
    expect(history).not.toMatch(STAFF_ONLY);
    const live = await liveEventsText(visitor.token, stored.length);
    expect(live).toContain("No, cards only.");
    expect(live).not.toContain(agent.sub!);
    expect(live).not.toMatch(STAFF_ONLY);
  });
});
