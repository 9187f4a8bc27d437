import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { threadIdFor } from "@/lib/agent/context";
import { createAgentGraph, resetAgentGraphForTests } from "@/lib/agent/graph";
import { setChatModelForTests } from "@/lib/ai/providers";
import type { RequestClaims } from "@/lib/db/claims";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { openTicket } from "@/lib/tickets/escalation";
import { newQuestion, runAgent } from "@/tests/support/agent";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";

let tenant: TestTenant;
let other: TestTenant;
let agent: RequestClaims;

beforeAll(async () => {
  tenant = await createTestTenant("resolve");
  other = await createTestTenant("resolve-other");
  await seedKnowledgeBase(tenant);
  agent = await tenant.staff("agent");
});

afterEach(() => setChatModelForTests(undefined));
afterAll(() => closePool());

/** Escalates a fresh question through the graph; returns its ticket id and thread. */
async function escalatedTicket(question: string, email: string | null = "user@example.com") {
  setChatModelForTests(mockChatModel({ score: 0.1 }));
  const input = await newQuestion(tenant, question);
  if (email) await withService((tx) => tx.query("update public.conversations set user_email = $2 where id = $1", [input.conversationId, email]));
  const events = await runAgent(input);
  const escalated = events.find((e) => e.type === "escalated");
  if (escalated?.type !== "escalated") throw new Error("expected an escalation");
  return { ticketId: escalated.ticketId, threadId: threadIdFor(input.conversationId, input.userMessageId), conversationId: input.conversationId };
}

async function resolve(ticketId: string, body: unknown, claims: RequestClaims = agent) {
  return resolveRoute(jsonRequest(`/admin/tickets/${ticketId}/resolve`, body, await staffHeaders(claims)), routeParams({ id: ticketId }));
}

async function countRows(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await withService((tx) => tx.query<{ n: number }>(sql, params));
  return rows[0].n;
}

describe("resolving a ticket", () => {
  it("resolves once: a second call is 409 naming who resolved it, and nothing is delivered twice", async () => {
    const { ticketId, conversationId } = await escalatedTicket("Can I pay by cheque?");
    expect((await resolve(ticketId, { answer: "No, sorry.", notify_email: true })).status).toBe(200);
    const second = await resolve(ticketId, { answer: "Yes!", notify_email: true });
    expect(second.status).toBe(409);
    expect((await second.json()).error.message).toMatch(/already resolved by agent-.* at \d{4}-/);
    expect(await countRows("select count(*)::int as n from public.messages where conversation_id = $1 and sender_type = 'human'", [conversationId])).toBe(1);
    expect(await countRows("select count(*)::int as n from public.email_outbox where ticket_id = $1", [ticketId])).toBe(1);
    expect(await countRows("select count(*)::int as n from public.audit_log where target_id = $1 and action = 'ticket.resolved'", [ticketId])).toBe(1);
  });

  it("resolves once when two agents answer at the same time", async () => {
    const { ticketId, conversationId } = await escalatedTicket("Do you ship to Antarctica?");
    const colleague = await tenant.staff("admin");
    const responses = await Promise.all([
      resolve(ticketId, { answer: "Answer one", notify_email: true }),
      resolve(ticketId, { answer: "Answer two", notify_email: true }, colleague),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await countRows("select count(*)::int as n from public.messages where conversation_id = $1 and sender_type = 'human'", [conversationId])).toBe(1);
    expect(await countRows("select count(*)::int as n from public.email_outbox where ticket_id = $1", [ticketId])).toBe(1);
  });

  it("survives a restart between escalation and resolution: a new graph and checkpointer resume the thread from Postgres", async () => {
    const { ticketId, threadId } = await escalatedTicket("Can I transfer my licence to a colleague?");
    resetAgentGraphForTests();
    expect((await resolve(ticketId, { answer: "Yes, from Settings, then Licences.", notify_email: false })).status).toBe(200);

    const fresh = await createAgentGraph();
    const state = await fresh.getState({ configurable: { thread_id: threadId } });
    expect(state.next).toEqual([]);
    expect(state.values).toMatchObject({ outcome: "resolved", answer: "Yes, from Settings, then Licences." });
    expect(await countRows("select count(*)::int as n from public.email_outbox where ticket_id = $1", [ticketId])).toBe(0);
  });

  it("leaves nothing half-done when delivery fails inside the resolution, and the retry resolves once", async () => {
    const { ticketId, conversationId } = await escalatedTicket("Can I merge two workspaces?");
    // An address the outbox refuses makes the resolution's transaction fail after the ticket flipped.
    await withService((tx) => tx.query("update public.tickets set user_email = 'not-an-address' where id = $1", [ticketId]));
    const failed = await resolve(ticketId, { answer: "Yes, ask support.", notify_email: true });
    expect(failed.status).toBe(400);
    const { rows } = await withService((tx) => tx.query("select status, resolving_by from public.tickets where id = $1", [ticketId]));
    expect(rows[0]).toEqual({ status: "pending_human", resolving_by: null });
    expect(await countRows("select count(*)::int as n from public.messages where conversation_id = $1 and sender_type = 'human'", [conversationId])).toBe(0);
    expect(await countRows("select count(*)::int as n from public.cache_entries where ticket_id = $1", [ticketId])).toBe(0);

    await withService((tx) => tx.query("update public.tickets set user_email = 'fixed@example.com' where id = $1", [ticketId]));
    expect((await resolve(ticketId, { answer: "Yes, ask support.", notify_email: true })).status).toBe(200);
    expect(await countRows("select count(*)::int as n from public.messages where conversation_id = $1 and sender_type = 'human'", [conversationId])).toBe(1);
    expect(await countRows("select count(*)::int as n from public.email_outbox where ticket_id = $1 and to_address = 'fixed@example.com'", [ticketId])).toBe(1);
  });

  it("resolves a ticket opened by the chat's safety net, which has no paused thread", async () => {
    const input = await newQuestion(tenant, "Something broke while answering this");
    const opened = await withTenant(input.claims, (tx) =>
      openTicket(tx, {
        tenantId: tenant.id,
        conversationId: input.conversationId,
        threadId: threadIdFor(input.conversationId, input.userMessageId),
        question: input.question,
        context: [],
        draft: null,
        confidence: null,
        reason: "unexpected_error",
      }),
    );
    const reusable = { question: "What happens when answering breaks?", answer: "Here is the answer." };
    expect((await resolve(opened.ticketId, { answer: "Here is the answer.", notify_email: true, reusable })).status).toBe(200);
    // No address was ever given: nothing to e-mail.
    expect(await countRows("select count(*)::int as n from public.email_outbox where ticket_id = $1", [opened.ticketId])).toBe(0);
    expect(await countRows("select count(*)::int as n from public.cache_entries where ticket_id = $1 and source = 'human' and question = $2", [opened.ticketId, reusable.question])).toBe(1);
  });

  it("answers 404 for another tenant's ticket and for unknown ids, 422 for an empty answer, 401 without a session", async () => {
    const { ticketId } = await escalatedTicket("Is there an on-premise edition?");
    const intruder = await resolve(ticketId, { answer: "Mine now", notify_email: true }, other.owner);
    expect(intruder.status).toBe(404);
    expect((await resolve("6f1c2d4e-0000-4000-8000-000000000000", { answer: "x", notify_email: true })).status).toBe(404);
    expect((await resolve("not-a-uuid", { answer: "x", notify_email: true })).status).toBe(404);
    const empty = await resolve(ticketId, { answer: "   ", notify_email: true });
    expect(empty.status).toBe(422);
    expect((await empty.json()).error.message).toContain("The answer cannot be empty.");
    const anonymous = await resolveRoute(jsonRequest(`/admin/tickets/${ticketId}/resolve`, { answer: "x" }), routeParams({ id: ticketId }));
    expect(anonymous.status).toBe(401);

    const { rows } = await withService((tx) => tx.query("select status, resolving_by from public.tickets where id = $1", [ticketId]));
    expect(rows[0]).toEqual({ status: "pending_human", resolving_by: null });
  });
});
