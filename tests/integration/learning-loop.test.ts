import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import type { RequestClaims } from "@/lib/db/claims";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { newQuestion, runAgent } from "@/tests/support/agent";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";

let tenant: TestTenant;
let agent: RequestClaims;

const JANE_QUESTION = "Can you refund my last invoice? My account is jane@corp.example";
const JANE_ANSWER = "Hi Jane, I've refunded INV-2291 to your Visa ending 4242. It shows within 5 days.";

beforeAll(async () => {
  tenant = await createTestTenant("loop");
  await seedKnowledgeBase(tenant);
  agent = await tenant.staff("agent");
});
afterEach(() => setChatModelForTests(undefined));
afterAll(() => closePool());

async function escalate(question: string) {
  setChatModelForTests(mockChatModel({ score: 0.1 }));
  const input = await newQuestion(tenant, question);
  const events = await runAgent(input);
  const escalated = events.find((e) => e.type === "escalated");
  if (escalated?.type !== "escalated") throw new Error(`expected an escalation, got ${events.map((e) => e.type).join(",")}`);
  return { ...input, ticketId: escalated.ticketId };
}

async function resolve(ticketId: string, body: unknown, claims: RequestClaims = agent) {
  return resolveRoute(jsonRequest(`/admin/tickets/${ticketId}/resolve`, body, await staffHeaders(claims)), routeParams({ id: ticketId }));
}

async function ask(question: string) {
  setChatModelForTests(mockChatModel({ score: 0.1 }));
  const events = await runAgent(await newQuestion(tenant, question));
  return events.find((e) => e.type === "answer" || e.type === "escalated");
}

const service = <T extends object>(sql: string, params: unknown[]) => withService((tx) => tx.query<T>(sql, params)).then((r) => r.rows);

describe("the reply to a customer never teaches the cache by itself", () => {
  it("Jane's answer does not reach Carol: a resolution without a reusable entry caches nothing", async () => {
    const jane = await escalate(JANE_QUESTION);
    expect((await resolve(jane.ticketId, { answer: JANE_ANSWER, notify_email: false })).status).toBe(200);
    expect(await service("select 1 from public.cache_entries where tenant_id = $1 and ticket_id = $2", [tenant.id, jane.ticketId])).toHaveLength(0);

    // Carol asks the same, word for word and in other words: nobody gets Jane's answer.
    for (const question of [JANE_QUESTION, "Could you refund my most recent invoice please?"]) {
      const outcome = await ask(question);
      expect(outcome?.type).toBe("escalated");
      expect(JSON.stringify(outcome)).not.toContain("INV-2291");
    }
  });

  it("refuses a reusable entry with personal data (422 listing it) and delivers nothing", async () => {
    const jane = await escalate(`${JANE_QUESTION} (second time)`);
    const response = await resolve(jane.ticketId, {
      answer: JANE_ANSWER,
      notify_email: false,
      reusable: { question: JANE_QUESTION, answer: JANE_ANSWER },
    });
    expect(response.status).toBe(422);
    const { error } = await response.json();
    expect(error.message).toContain("personal data");
    expect(error.details.personalData).toEqual(
      expect.arrayContaining([
        { kind: "email", text: "jane@corp.example" },
        { kind: "name", text: "Jane" },
        { kind: "account", text: "INV-2291" },
        { kind: "card", text: "ending 4242" },
      ]),
    );
    const [ticket] = await service<{ status: string }>("select status from public.tickets where id = $1", [jane.ticketId]);
    expect(ticket.status).toBe("pending_human");
    expect(await service("select 1 from public.messages where ticket_id = $1 and sender_type = 'human'", [jane.ticketId])).toHaveLength(0);
  });

  it("writes only the reviewed, generic entry, keyed by its own question and approved by the resolver", async () => {
    const jane = await escalate("Can you refund my last invoice? I'm jane.doe@corp.example, my phone is +44 20 7946 0958");
    const reusable = { question: "How do I get a refund for an invoice?", answer: "We refund invoices to the original card within 5 days." };
    const response = await resolve(jane.ticketId, { answer: JANE_ANSWER, notify_email: false, reusable });
    expect(response.status).toBe(200);

    const entries = await service<{ question: string; question_key: string; answer: string; approved_by: string; approved_at: Date | null }>(
      "select question, question_key, answer, approved_by, approved_at from public.cache_entries where ticket_id = $1",
      [jane.ticketId],
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ question: reusable.question, answer: reusable.answer, approved_by: agent.sub });
    expect(entries[0].approved_at).toBeInstanceOf(Date);
    expect(JSON.stringify(entries)).not.toMatch(/jane|7946|INV-2291/i);
    expect(await service("select 1 from public.audit_log where target_id = $1 and action = 'cache.approved'", [jane.ticketId])).toHaveLength(1);

    // The chat shows Jane her reply; visitors see no staff id on it, and cannot read who wrote it.
    const [message] = await withTenant(jane.claims, (tx) =>
      tx.query<{ metadata: Record<string, unknown> }>("select metadata from public.messages where ticket_id = $1 and sender_type = 'human'", [jane.ticketId]),
    ).then((r) => r.rows);
    expect(message.metadata).not.toHaveProperty("resolvedBy");
    await expect(withTenant(jane.claims, (tx) => tx.query("select author_id from public.messages"))).rejects.toThrow(/permission denied/);

    // The next visitor gets the generic answer, instantly.
    const next = await ask("How do I get a refund for an invoice?");
    expect(next).toMatchObject({ type: "answer", fromCache: true, text: reusable.answer });
  });
});

describe("AI answers with personal data are not cached", () => {
  it("answers the visitor but stores no cache entry when the question holds an e-mail address", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Click \"Forgot password\" on the sign-in page [1].", score: 0.95 }));
    const question = "How do I reset my password? My login is carol.smith@example.com";
    const events = await runAgent(await newQuestion(tenant, question));
    expect(events.find((e) => e.type === "answer")).toMatchObject({ fromCache: false });
    expect(await service("select 1 from public.cache_entries where tenant_id = $1 and question ilike '%carol%'", [tenant.id])).toHaveLength(0);

    // The same question without personal data is cached as usual (the guard is not a blanket refusal).
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Click \"Forgot password\" on the sign-in page [1].", score: 0.95 }));
    await runAgent(await newQuestion(tenant, "How do I reset my password, please?"));
    expect(await service("select 1 from public.cache_entries where tenant_id = $1 and question = 'How do I reset my password, please?'", [tenant.id])).toHaveLength(1);
  });

  it("keeps cache internals out of a cached answer's visible message", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Click \"Forgot password\" on the sign-in page [1].", score: 0.95 }));
    const input = await newQuestion(tenant, "How do I reset my password, please?");
    const events = await runAgent(input);
    expect(events.find((e) => e.type === "answer")).toMatchObject({ fromCache: true });
    const { rows } = await withTenant(input.claims, (tx) =>
      tx.query<{ metadata: Record<string, unknown> }>("select metadata from public.messages where sender_type = 'ai'"),
    );
    expect(rows[0].metadata).toMatchObject({ fromCache: true });
    expect(rows[0].metadata).not.toHaveProperty("similarity");
    expect(rows[0].metadata).not.toHaveProperty("cacheSource");
  });
});
