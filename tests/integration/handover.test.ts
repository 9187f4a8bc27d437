import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as closeRoute } from "@/app/(staff)/admin/tickets/[id]/close/route";
import { POST as reopenRoute } from "@/app/(staff)/admin/tickets/[id]/reopen/route";
import { POST as replyRoute } from "@/app/(staff)/admin/tickets/[id]/reply/route";
import { POST as handoverRoute } from "@/app/(widget)/chat/handover/route";
import { POST as rateRoute } from "@/app/(widget)/chat/rate/route";
import type { AgentEvent } from "@/lib/agent/context";
import { setChatModelForTests } from "@/lib/ai/providers";
import { getAnalytics } from "@/lib/analytics/overview";
import type { RequestClaims } from "@/lib/db/claims";
import { askQuestion } from "@/lib/flows/ask-question";
import { startWidgetSession } from "@/lib/chat/session";
import { updateTenantSettings } from "@/lib/tenants/settings";
import { createConversation } from "@/lib/chat/conversations";
import { issueConversationToken, type VisitorSession } from "@/lib/chat/token";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { runAgent } from "@/tests/support/agent";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";

let tenant: TestTenant;
let other: TestTenant;
let agent: RequestClaims;
let admin: RequestClaims;

beforeAll(async () => {
  tenant = await createTestTenant("handover");
  other = await createTestTenant("handover-other");
  await seedKnowledgeBase(tenant);
  agent = await tenant.staff("agent");
  admin = await tenant.staff("admin");
});
afterEach(() => setChatModelForTests(undefined));
afterAll(() => closePool());

async function newVisitor(): Promise<VisitorSession & { token: string }> {
  const conversationId = randomUUID();
  const claims = tenant.visitor(conversationId);
  await withTenant(claims, (tx) => createConversation(tx, { id: conversationId, tenantId: tenant.id }));
  return { claims, tenantId: tenant.id, conversationId, token: await issueConversationToken(tenant.id, conversationId) };
}

/** What the chat route does: store the message, then settle it or run the agent (escalating with a weak model). */
async function say(visitor: VisitorSession, text: string, score = 0.1): Promise<AgentEvent[]> {
  setChatModelForTests(mockChatModel({ score, relevant: "all", answer: "Click \"Forgot password\" [1]." }));
  const asked = await askQuestion(visitor, text);
  if (asked.settled) return [asked.settled];
  return runAgent({ claims: visitor.claims, conversationId: visitor.conversationId, userMessageId: asked.userMessageId, question: text, userEmail: null, prepared: asked.prepared });
}

const rows = <T extends object>(sql: string, params: unknown[]) => withService((tx) => tx.query<T>(sql, params)).then((r) => r.rows);
const tickets = (conversationId: string) =>
  rows<{ id: string; number: number; status: string; closed_reason: string | null }>(
    "select id, number, status, closed_reason from public.tickets where conversation_id = $1 order by created_at",
    [conversationId],
  );

async function post(route: typeof replyRoute, path: string, id: string, body: unknown, claims: RequestClaims = agent) {
  return route(jsonRequest(path, body, await staffHeaders(claims)), routeParams({ id }));
}

describe("hand-over of the conversation", () => {
  it("appends the visitor's follow-ups to the one open ticket: no bot answer, no new ticket", async () => {
    const visitor = await newVisitor();
    const [escalated] = (await say(visitor, "Can your technicians water my office plants?")).filter((e) => e.type === "escalated");
    expect(escalated).toBeDefined();
    for (const followUp of ["It is a ficus, quite big.", "Also, can you do it on Sundays?", "thanks"]) {
      const events = await say(visitor, followUp, 0.95);
      expect(events).toEqual([{ type: "handed_over", ticketId: (escalated as { ticketId: string }).ticketId, ticketNumber: expect.any(Number) }]);
    }
    const [ticket] = await tickets(visitor.conversationId);
    expect(await tickets(visitor.conversationId)).toHaveLength(1);
    const messages = await rows<{ sender_type: string; ticket_id: string | null }>(
      "select sender_type, ticket_id from public.messages where conversation_id = $1 order by created_at",
      [visitor.conversationId],
    );
    expect(messages.filter((m) => m.sender_type === "ai")).toHaveLength(0);
    expect(messages.filter((m) => m.sender_type === "user" && m.ticket_id === ticket.id)).toHaveLength(3);
  });

  it("answers small talk and noise briefly, without a ticket", async () => {
    const visitor = await newVisitor();
    for (const text of ["hello", "thanks!", "asdfgh", "???"]) {
      const [event] = await say(visitor, text);
      expect(event).toMatchObject({ type: "answer", fromCache: false, modelCalls: 0 });
    }
    expect(await tickets(visitor.conversationId)).toHaveLength(0);
  });

  it("lets staff reply twice, then close with a reason; the next escalation opens a new ticket", async () => {
    const visitor = await newVisitor();
    await withService((tx) => tx.query("update public.conversations set user_email = 'plants@example.com' where id = $1", [visitor.conversationId]));
    await say(visitor, "Can your technicians water my office plants?");
    const [ticket] = await tickets(visitor.conversationId);
    const path = `/admin/tickets/${ticket.id}/reply`;

    expect((await post(replyRoute, path, ticket.id, { answer: "Which plants?", notify_email: true, seen_replies: 0 })).status).toBe(200);
    expect((await tickets(visitor.conversationId))[0].status).toBe("open");
    // A colleague who had not seen that reply is refused with a readable reason.
    const stale = await post(replyRoute, path, ticket.id, { answer: "We do not water plants.", seen_replies: 0 }, admin);
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toMatch(/replied at .* while you were writing/);

    await say(visitor, "A ficus.");
    expect((await post(replyRoute, path, ticket.id, { answer: "Sorry, we only look after servers.", notify_email: true, seen_replies: 1 })).status).toBe(200);
    const outbox = await rows("select 1 from public.email_outbox where ticket_id = $1", [ticket.id]);
    expect(outbox).toHaveLength(2);

    const noReason = await post(closeRoute, `/admin/tickets/${ticket.id}/close`, ticket.id, { reason: " " });
    expect(noReason.status).toBe(422);
    expect((await post(closeRoute, `/admin/tickets/${ticket.id}/close`, ticket.id, { reason: "Out of scope" })).status).toBe(200);
    expect((await tickets(visitor.conversationId))[0]).toMatchObject({ status: "resolved", closed_reason: "Out of scope" });
    expect((await post(closeRoute, `/admin/tickets/${ticket.id}/close`, ticket.id, { reason: "again" })).status).toBe(409);

    // Closed: the next message goes to the assistant again; a new hand-over is a new ticket.
    const events = await say(visitor, "Do you water cacti then?");
    expect(events.some((e) => e.type === "handed_over")).toBe(false);
    const after = await tickets(visitor.conversationId);
    expect(after).toHaveLength(2);
    expect(after[1].number).toBeGreaterThan(after[0].number);

    // The old ticket cannot be reopened while the new one is open.
    const reopen = await post(reopenRoute, `/admin/tickets/${ticket.id}/reopen`, ticket.id, {});
    expect(reopen.status).toBe(409);
    expect((await reopen.json()).error.message).toContain(`#${after[1].number}`);
  });

  it("e-mails each reply with a link that reopens the conversation and the tenant's Reply-To", async () => {
    await withTenant(tenant.owner, (tx) => updateTenantSettings(tx, { supportEmail: "help@handover.example" }));
    const visitor = await newVisitor();
    await withService((tx) => tx.query("update public.conversations set user_email = 'link@example.com' where id = $1", [visitor.conversationId]));
    await say(visitor, "Can your technicians water my office plants?");
    const [ticket] = await tickets(visitor.conversationId);
    expect((await post(replyRoute, "/reply", ticket.id, { answer: "Which plants?" })).status).toBe(200);
    const [mail] = await rows<{ payload: { conversationUrl: string; replyTo: string; tenantName: string } }>(
      "select payload from public.email_outbox where ticket_id = $1",
      [ticket.id],
    );
    expect(mail.payload.replyTo).toBe("help@handover.example");
    expect(mail.payload.tenantName).toBe(`Tenant ${tenant.slug}`);
    const link = new URL(mail.payload.conversationUrl);
    expect(link.pathname).toBe(`/w/${tenant.widgetKey}`);
    const token = new URLSearchParams(link.hash.slice(1)).get("c");
    const session = await startWidgetSession(tenant.widgetKey, token);
    expect(session).toMatchObject({ resumed: true, conversationId: visitor.conversationId });
  });

  it("closes without any reply, and reopens", async () => {
    const visitor = await newVisitor();
    await say(visitor, "Can your technicians water my office plants?");
    const [ticket] = await tickets(visitor.conversationId);
    expect((await post(closeRoute, "/close", ticket.id, { reason: "Spam" })).status).toBe(200);
    const notice = await withTenant(visitor.claims, (tx) =>
      tx.query<{ metadata: { kind: string } }>("select metadata from public.messages where sender_type = 'system' order by created_at desc limit 1"),
    );
    expect(notice.rows[0].metadata.kind).toBe("closed");
    expect((await post(reopenRoute, "/reopen", ticket.id, {})).status).toBe(200);
    expect((await tickets(visitor.conversationId))[0].status).toBe("pending_human");
  });

  it("refuses another tenant's staff (404) and unknown tickets", async () => {
    const visitor = await newVisitor();
    await say(visitor, "Can your technicians water my office plants?");
    const [ticket] = await tickets(visitor.conversationId);
    expect((await post(replyRoute, "/reply", ticket.id, { answer: "Mine" }, other.owner)).status).toBe(404);
    expect((await post(closeRoute, "/close", ticket.id, { reason: "x" }, other.owner)).status).toBe(404);
    expect((await post(reopenRoute, "/reopen", randomUUID(), {})).status).toBe(404);
  });
});

describe("talk to a person", () => {
  it("opens one ticket at the visitor's request, which staff answer directly", async () => {
    const visitor = await newVisitor();
    await say(visitor, "How do I reset my password?", 0.95);
    const first = await handoverRoute(jsonRequest("/chat/handover", { token: visitor.token }));
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body.message.content).toContain(`Ticket #${body.ticketNumber} created`);
    expect(body.message.content).toContain("Leave your email address");
    const again = await handoverRoute(jsonRequest("/chat/handover", { token: visitor.token }));
    expect(again.status).toBe(200);
    expect((await again.json()).ticketId).toBe(body.ticketId);

    const [ticket] = await rows<{ escalation_reason: string; question: string }>("select escalation_reason, question from public.tickets where id = $1", [body.ticketId]);
    expect(ticket).toEqual({ escalation_reason: "visitor_request", question: "How do I reset my password?" });
    const resolved = await post(replyRoute, "/reply", body.ticketId, { answer: "Done for you.", close: true });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).ticket.status).toBe("resolved");
  });
});

describe("rating answers", () => {
  async function cachedAnswer(question: string) {
    const visitor = await newVisitor();
    const events = await say(visitor, question, 0.95);
    const answer = events.find((e) => e.type === "answer");
    if (answer?.type !== "answer") throw new Error(`expected an answer, got ${JSON.stringify(events)}`);
    return { visitor, answer };
  }

  async function rate(token: string, messageId: string, rating: string) {
    return rateRoute(jsonRequest("/chat/rate", { token, messageId, rating }));
  }

  it("stores ratings of the visitor's own AI answers only", async () => {
    const { visitor, answer } = await cachedAnswer("How do I change the password of my account?");
    expect((await rate(visitor.token, answer.messageId, "helpful")).status).toBe(200);
    expect((await rate(visitor.token, answer.messageId, "not_helpful")).status).toBe(200);
    const stored = await rows<{ rating: string }>("select rating from public.message_ratings where message_id = $1", [answer.messageId]);
    expect(stored).toEqual([{ rating: "not_helpful" }]);
    const { totals } = await withTenant(admin, (tx) => getAnalytics(tx, { days: 1 }));
    expect(totals.ratedNotHelpful).toBeGreaterThanOrEqual(1);

    const stranger = await newVisitor();
    expect((await rate(stranger.token, answer.messageId, "helpful")).status).toBe(404);
    expect((await rate(visitor.token, answer.messageId, "meh")).status).toBe(422);
    const [userMessage] = await rows<{ id: string }>("select id from public.messages where conversation_id = $1 and sender_type = 'user'", [visitor.conversationId]);
    expect((await rate(visitor.token, userMessage.id, "helpful")).status).toBe(422);
  });

  it("stops serving a cached answer after bad ratings until staff review it", async () => {
    // A topic no other test here caches: with a neural embedder, paraphrases of another
    // test's question would share (and pre-rate) its entry.
    const question = "How can I export all of my data?";
    await cachedAnswer(question); // answered by the AI and cached (or already cached)
    const rated: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { visitor, answer } = await cachedAnswer(question);
      expect(answer.fromCache).toBe(true);
      rated.push(answer.messageId);
      expect((await rate(visitor.token, answer.messageId, "not_helpful")).status).toBe(200);
    }
    const [entry] = await rows<{ id: string; question: string; needs_review: boolean; not_helpful_count: number }>(
      `select e.id, e.question, e.needs_review, e.not_helpful_count from public.cache_entries e
         join public.messages m on m.cache_entry_id = e.id where m.id = $1`,
      [rated[0]],
    );
    expect(entry).toMatchObject({ needs_review: true, not_helpful_count: 2 });
    const { answer: fresh } = await cachedAnswer(entry.question);
    expect(fresh.fromCache).toBe(false);
    // Nor can a visitor's transaction read it directly: visitors have no access to the table.
    await expect(withTenant(tenant.visitor(), (tx) => tx.query("select 1 from public.cache_entries where id = $1", [entry.id]))).rejects.toThrow(/permission denied/);

    // An admin reviews (edits) it: served again.
    const { updateCacheAnswer } = await import("@/lib/cache");
    await withTenant(admin, (tx) => updateCacheAnswer(tx, entry.id, "Use \"Forgot password\" on the sign-in page."));
    const { answer: served } = await cachedAnswer(entry.question);
    expect(served).toMatchObject({ fromCache: true, text: "Use \"Forgot password\" on the sign-in page." });
  });
});
