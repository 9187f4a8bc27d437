import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAnalytics } from "@/lib/analytics/overview";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant, type Tx } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let a: TestTenant;
let b: TestTenant;

async function conversation(tx: Tx, tenantId: string, createdAt = "now()"): Promise<string> {
  const id = randomUUID();
  await tx.query(`insert into public.conversations (id, tenant_id, created_at) values ($1, $2, ${createdAt})`, [id, tenantId]);
  return id;
}

async function message(tx: Tx, tenantId: string, conversationId: string, sender: string, metadata: object = {}, ticketId?: string) {
  await tx.query(
    `insert into public.messages (tenant_id, conversation_id, sender_type, content, metadata, ticket_id)
     values ($1, $2, $3, 'text', $4, $5)`,
    [tenantId, conversationId, sender, JSON.stringify(metadata), ticketId ?? null],
  );
}

async function ticket(tx: Tx, tenantId: string, conversationId: string, createdAgo: string, resolvedAgo: string | null) {
  const { rows } = await tx.query<{ id: string }>(
    `insert into public.tickets (tenant_id, conversation_id, thread_id, question, number, status, created_at, resolved_at)
     values ($1, $2, $3, 'q', 0, $4, now() - $5::interval, now() - $6::interval) returning id`,
    [tenantId, conversationId, randomUUID(), resolvedAgo ? "resolved" : "pending_human", createdAgo, resolvedAgo],
  );
  return rows[0].id;
}

beforeAll(async () => {
  a = await createTestTenant("analytics-a");
  b = await createTestTenant("analytics-b");
  await withService(async (tx) => {
    // Tenant A today: 3 conversations, 5 questions; 2 AI answers, 2 cache answers, 1 escalation.
    const c1 = await conversation(tx, a.id);
    const c2 = await conversation(tx, a.id);
    const c3 = await conversation(tx, a.id);
    for (const c of [c1, c1, c2, c2, c3]) await message(tx, a.id, c, "user");
    // The AI answers record the model calls they cost (3 and 2); an older one without the
    // field is an answer all the same, but not part of the cost per answer.
    await message(tx, a.id, c1, "ai", { fromCache: false, confidence: 0.9, modelCalls: 3 });
    await message(tx, a.id, c1, "ai", { fromCache: false, confidence: 0.8, modelCalls: 2 });
    await message(tx, a.id, c2, "ai", { fromCache: true, confidence: null });
    await message(tx, a.id, c2, "ai", { fromCache: true });
    const t1 = await ticket(tx, a.id, c3, "0 seconds", null);
    await message(tx, a.id, c3, "ai", { fromCache: false }, t1); // the escalation bridge, not an answer
    // Resolved 2h and 4h after creation; one older conversation 3 days ago.
    const old = await conversation(tx, a.id, "now() - interval '3 days'");
    await ticket(tx, a.id, old, "3 days", "3 days -2 hours");
    await ticket(tx, a.id, old, "3 days", "3 days -4 hours");
    // Tenant B has traffic that A must never count.
    const cb = await conversation(tx, b.id);
    for (let i = 0; i < 4; i++) await message(tx, b.id, cb, "ai", { fromCache: true });
    await ticket(tx, b.id, cb, "1 hour", "0 seconds");
  });
});

afterAll(async () => {
  await closePool();
});

describe("getAnalytics", () => {
  it("computes the outcome shares, cache rate, calls saved and median resolution", async () => {
    const { totals, days } = await withTenant(a.owner, (tx) => getAnalytics(tx, { days: 30 }));
    expect(days).toHaveLength(30);
    expect(totals).toMatchObject({
      conversations: 4,
      questions: 5,
      aiAnswers: 2,
      cacheAnswers: 2,
      escalations: 3,
      resolved: 2,
      modelCallsPerAnswer: 2.5,
      modelCallsSavedEstimate: 5,
      medianResolutionSeconds: 3 * 3600,
    });
    expect(totals.shareAi).toBeCloseTo(2 / 7);
    expect(totals.shareCache).toBeCloseTo(2 / 7);
    expect(totals.shareEscalated).toBeCloseTo(3 / 7);
    expect(totals.cacheHitRate).toBeCloseTo(2 / 5);
  });

  it("buckets by UTC day, oldest first, today last", async () => {
    const { days } = await withTenant(a.owner, (tx) => getAnalytics(tx, { days: 7 }));
    expect(days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(days[6].day).toBe(today);
    expect(days[6]).toMatchObject({ conversations: 3, questions: 5, aiAnswers: 2, cacheAnswers: 2, escalations: 1 });
    const resolvedDays = days.filter((d) => d.resolved > 0);
    expect(resolvedDays.reduce((n, d) => n + d.resolved, 0)).toBe(2);
    expect(days.every((d, i) => i === 0 || d.day > days[i - 1].day)).toBe(true);
  });

  it("has no saved-calls estimate without an AI answer that recorded its cost", async () => {
    const { totals } = await withTenant(b.owner, (tx) => getAnalytics(tx, { days: 30 }));
    expect(totals.cacheAnswers).toBe(4);
    expect(totals.modelCallsPerAnswer).toBeNull();
    expect(totals.modelCallsSavedEstimate).toBeNull();
  });

  it("narrows to the range asked for", async () => {
    const { totals } = await withTenant(a.owner, (tx) => getAnalytics(tx, { days: 1 }));
    expect(totals.conversations).toBe(3);
    expect(totals.escalations).toBe(1);
  });

  it("counts only the caller's tenant, and reports no rates without data", async () => {
    const fresh = await createTestTenant("analytics-empty");
    const { totals } = await withTenant(fresh.owner, (tx) => getAnalytics(tx));
    expect(totals).toMatchObject({ conversations: 0, cacheAnswers: 0, shareAi: null, cacheHitRate: null, medianResolutionSeconds: null });
    const seenByB = await withTenant(b.owner, (tx) => getAnalytics(tx));
    expect(seenByB.totals).toMatchObject({ conversations: 1, cacheAnswers: 4, escalations: 1, resolved: 1, medianResolutionSeconds: 3600 });
  });
});
