import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import { storeQuestion } from "@/lib/flows/ask-question";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { env, resetEnvForTests } from "@/lib/env";
import { setRateLimiterForTests } from "@/lib/limits";
import { effectiveModelBudget } from "@/lib/limits/model-budget";
import { createUpstashLimiter } from "@/lib/limits/upstash";
import { updateTenantSettings } from "@/lib/tenants/settings";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel, modelCallCount } from "@/tests/support/mock-chat-model";
import { readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";
import { startUpstashRedisStandIn } from "@/tests/support/upstash-redis-standin";

const saved = { ...process.env };
let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("limits");
});
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
  setRateLimiterForTests(undefined);
  setChatModelForTests(undefined);
});
afterAll(() => closePool());

function configure(settings: Record<string, string>) {
  Object.assign(process.env, settings);
  resetEnvForTests();
}

const address = () => `192.0.2.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 4)}`;

async function startSession(t: TestTenant, headers: Record<string, string> = {}) {
  return sessionRoute(jsonRequest("/chat/session", { widgetKey: t.widgetKey }, headers));
}

async function newVisitor(t: TestTenant) {
  const session = await (await startSession(t, { "x-forwarded-for": address() })).json();
  return { claims: t.visitor(session.conversationId), tenantId: t.id, conversationId: session.conversationId as string, token: session.token as string };
}

async function userMessages(conversationId: string): Promise<number> {
  const { rows } = await withService((tx) =>
    tx.query<{ n: number }>("select count(*)::int as n from public.messages where conversation_id = $1 and sender_type = 'user'", [conversationId]),
  );
  return rows[0].n;
}

async function settle<T>(runs: Promise<T>[]) {
  const results = await Promise.allSettled(runs);
  const refused = results.filter((r) => r.status === "rejected");
  for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 429 });
  return { accepted: results.length - refused.length, refused: refused.length };
}

describe("question limits are atomic", () => {
  it("accepts exactly 20 of 30 parallel questions in one conversation (limit 20), and stores only those", async () => {
    configure({ CHAT_RATE_LIMIT_PER_MINUTE: "20" });
    const visitor = await newVisitor(tenant);
    const { accepted, refused } = await settle(Array.from({ length: 30 }, (_, i) => storeQuestion(visitor, `question ${i}`)));
    expect({ accepted, refused }).toEqual({ accepted: 20, refused: 10 });
    expect(await userMessages(visitor.conversationId)).toBe(20);
  });

  it("limits one client address across conversations, and a tenant across addresses", async () => {
    configure({ CHAT_QUESTIONS_PER_MINUTE_PER_IP: "5" });
    const ip = address();
    const visitors = await Promise.all(Array.from({ length: 8 }, () => newVisitor(tenant)));
    expect(await settle(visitors.map((v) => storeQuestion(v, "hello", { ip })))).toEqual({ accepted: 5, refused: 3 });

    const busy = await createTestTenant("limits-busy");
    configure({ CHAT_QUESTIONS_PER_MINUTE_PER_TENANT: "6" });
    const crowd = await Promise.all(Array.from({ length: 9 }, () => newVisitor(busy)));
    expect(await settle(crowd.map((v) => storeQuestion(v, "hello", { ip: address() })))).toEqual({ accepted: 6, refused: 3 });
  });

  it("answers the chat route's refusal with 429, a reason and Retry-After", async () => {
    configure({ CHAT_RATE_LIMIT_PER_MINUTE: "1" });
    const visitor = await newVisitor(tenant);
    await storeQuestion(visitor, "first");
    const response = await streamRoute(jsonRequest("/chat/stream", { token: visitor.token, message: "second" }, { "x-forwarded-for": address() }));
    expect(response.status).toBe(429);
    expect((await response.json()).error.message).toMatch(/too quickly/);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("session limits", () => {
  it("limits new conversations per address and per tenant; resuming one is free", async () => {
    configure({ CHAT_SESSIONS_PER_HOUR_PER_IP: "3" });
    const ip = address();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await startSession(tenant, { "x-forwarded-for": ip })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const other = await startSession(tenant, { "x-forwarded-for": address() });
    expect(other.status).toBe(201);
    const { token } = await other.json();
    const resumed = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, token }, { "x-forwarded-for": ip }));
    expect(resumed.status).toBe(200);

    const small = await createTestTenant("limits-sessions");
    configure({ CHAT_SESSIONS_PER_HOUR_PER_TENANT: "2" });
    const parallel = await Promise.all(Array.from({ length: 5 }, () => startSession(small, { "x-forwarded-for": address() })));
    expect(parallel.map((r) => r.status).sort()).toEqual([201, 201, 429, 429, 429]);
  });
});

describe("embedding origins", () => {
  it("lets only the listed sites (and the widget's own frame) open sessions when a tenant keeps a list", async () => {
    const shop = await createTestTenant("limits-origins");
    expect((await startSession(shop, { origin: "https://anyone.example" })).status).toBe(201);
    await withTenant(shop.owner, (tx) => updateTenantSettings(tx, { allowedOrigins: ["https://shop.example", "http://localhost:8080/"] }));
    const forbidden = await startSession(shop, { origin: "https://evil.example" });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.message).toMatch(/may not be used on this site/);
    expect((await startSession(shop, { origin: "https://shop.example" })).status).toBe(201);
    expect((await startSession(shop, { origin: "http://localhost:8080" })).status).toBe(201);
    expect((await startSession(shop, { origin: new URL(env().APP_URL).origin })).status).toBe(201);
    await expect(withTenant(shop.owner, (tx) => updateTenantSettings(tx, { allowedOrigins: ["https://shop.example/path"] }))).rejects.toMatchObject({
      status: 422,
    });
  });
});

describe("model budget", () => {
  it("combines the platform ceiling with the tenant's own budget", () => {
    expect(effectiveModelBudget(0, null)).toBeNull();
    expect(effectiveModelBudget(100, null)).toBe(100);
    expect(effectiveModelBudget(100, 30)).toBe(30);
    expect(effectiveModelBudget(0, 0)).toBe(0);
    expect(effectiveModelBudget(10, 50)).toBe(10);
  });

  it("sends questions to humans once the tenant's model budget is spent; the cache still answers", async () => {
    const frugal = await createTestTenant("limits-budget");
    await seedKnowledgeBase(frugal);
    configure({ TENANT_MODEL_CALLS_PER_MONTH: "3" }); // one answer's worth
    const model = mockChatModel({ relevant: "all", answer: "Orders ship within 2 business days [1].", score: 0.95 });
    setChatModelForTests(model);
    const ask = async (message: string) => {
      const { token } = await (await startSession(frugal, { "x-forwarded-for": address() })).json();
      return readUiStream(await streamRoute(jsonRequest("/chat/stream", { token, message })));
    };
    const first = await ask("How long does standard shipping take?");
    expect(statusesOf(first)).toContain("resolved");
    const calls = modelCallCount(model);

    const second = await ask("Can I return an opened item?");
    expect(statusesOf(second)).toContain("waiting_for_agent");
    expect(textOf(second)).toMatch(/check this with an expert/);
    expect(modelCallCount(model)).toBe(calls); // no model call once spent
    const ticket = await withService((tx) =>
      tx.query<{ escalation_reason: string }>(
        "select escalation_reason from public.tickets where tenant_id = $1 order by created_at desc limit 1",
        [frugal.id],
      ),
    );
    expect(ticket.rows[0].escalation_reason).toBe("budget_exhausted");

    const cached = await ask("How long does standard shipping take?");
    expect(statusesOf(cached)).toEqual(["checking_cache", "resolved"]);
  });
});

describe("live event streams", () => {
  it("caps the streams one conversation holds open, and frees a slot when one closes", async () => {
    configure({ CHAT_LIVE_STREAMS_PER_CONVERSATION: "2" });
    const visitor = await newVisitor(tenant);
    const open = () => eventsRoute(new Request(`http://localhost/chat/events?token=${visitor.token}`));
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    expect((await third.json()).error.message).toMatch(/2 live connections/);
    // Another conversation is not affected.
    const stranger = await newVisitor(tenant);
    const elsewhere = await eventsRoute(new Request(`http://localhost/chat/events?token=${stranger.token}`));
    expect(elsewhere.status).toBe(200);
    await elsewhere.body!.cancel();

    await first.body!.cancel();
    await expect.poll(async () => {
      const again = await open();
      if (again.status === 200) await again.body!.cancel();
      return again.status;
    }).toBe(200);
    await second.body!.cancel();
  });
});

describe("the Upstash adapter, at its HTTP boundary", () => {
  it("holds the same atomic limit through @upstash/ratelimit against a real Redis", async () => {
    const standIn = await startUpstashRedisStandIn({ redisUrl: "redis://127.0.0.1:6379", token: "test-token" });
    try {
      const limiter = createUpstashLimiter({ url: standIn.url, token: "test-token", prefix: `test-limits-${randomUUID()}` });
      setRateLimiterForTests(limiter);
      configure({ CHAT_RATE_LIMIT_PER_MINUTE: "20" });
      const visitor = await newVisitor(tenant);
      const { accepted, refused } = await settle(Array.from({ length: 30 }, (_, i) => storeQuestion(visitor, `upstash ${i}`)));
      expect({ accepted, refused }).toEqual({ accepted: 20, refused: 10 });
      expect(await userMessages(visitor.conversationId)).toBe(20);
      expect(standIn.commandsSeen.some((c) => c === "evalsha" || c === "eval")).toBe(true);

      const wrongToken = createUpstashLimiter({ url: standIn.url, token: "nope", prefix: "x" });
      await expect(wrongToken.consume([{ key: "k", limit: 1, windowSeconds: 60, message: "m" }])).rejects.toThrow();
    } finally {
      await standIn.close();
    }
  });
});
