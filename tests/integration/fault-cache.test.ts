import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { GET as healthRoute } from "@/app/(system)/api/health/route";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { setChatModelForTests } from "@/lib/ai/providers";
import { getSemanticCache, setSemanticCacheForTests } from "@/lib/cache";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";
import { metadataOf, readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";
import { startUpstashVectorStandIn, type UpstashVectorStandIn } from "@/tests/support/upstash-vector-standin";

/*
 * Fault: the cache store is down. The product runs with the deployed adapter
 * (CACHE_ADAPTER=upstash) against a local Upstash Vector stand-in, which is then stopped
 * (connection refused), made to answer 503, or made to never answer. Questions are still
 * answered (the agent instead of the cache), a staff reply is still delivered, and the
 * outage is visible: logged, and reported by /api/health until the store answers again.
 */

const saved = { ...process.env };
let store: UpstashVectorStandIn;
let tenant: TestTenant;
const ANSWER = "You can request a refund within 30 days of purchase [1].";

beforeAll(async () => {
  store = await startUpstashVectorStandIn();
  Object.assign(process.env, { CACHE_ADAPTER: "upstash", UPSTASH_VECTOR_REST_URL: store.url, UPSTASH_VECTOR_REST_TOKEN: store.token });
  resetEnvForTests();
  setSemanticCacheForTests(undefined);
  tenant = await createTestTenant("fault-cache");
  await seedKnowledgeBase(tenant);
});

afterEach(async () => {
  store.mode = "ok";
  await store.start();
  setChatModelForTests(undefined);
  vi.restoreAllMocks();
});

afterAll(async () => {
  await store.stop();
  process.env = { ...saved };
  resetEnvForTests();
  setSemanticCacheForTests(undefined);
  await closePool();
});

async function startSession(): Promise<{ token: string; conversationId: string }> {
  const response = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }));
  return response.json();
}

async function ask(message: string, session?: { token: string }) {
  const { token } = session ?? (await startSession());
  const started = Date.now();
  const response = await streamRoute(jsonRequest("/chat/stream", { token, message }));
  const chunks = await readUiStream(response);
  return { status: response.status, chunks, elapsedMs: Date.now() - started };
}

async function health(): Promise<{ status: number; body: { ok: boolean; cache: string } }> {
  const response = await healthRoute();
  return { status: response.status, body: await response.json() };
}

/** Everything logged as a warning while `run` ran. */
async function warningsDuring<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    const result = await run();
    return { result, warnings: warn.mock.calls.map((args) => args.map(String).join(" ")) };
  } finally {
    warn.mockRestore();
  }
}

const cachedEntries = () => [...(store.store.get(`tenant:${tenant.id}`)?.values() ?? [])];

describe("cache store down", { timeout: 60_000 }, () => {
  it("answers from Upstash while it is up (the stand-in works)", async () => {
    expect(getSemanticCache().name).toBe("upstash");
    setChatModelForTests(mockChatModel({ relevant: "all", answer: ANSWER, score: 0.95 }));
    const first = await ask("Can I get a refund?");
    expect(statusesOf(first.chunks).at(-1)).toBe("resolved");
    expect(cachedEntries()).toHaveLength(1);
    const again = await ask("Can I get a refund?");
    expect(metadataOf(again.chunks)).toMatchObject({ fromCache: true, modelCalls: 0 });
    expect(await health()).toEqual({ status: 200, body: { ok: true, cache: "ok" } });
  });

  it.each([
    ["stopped (connection refused)", "stopped"],
    ["answering 503", "error"],
    ["never answering", "hang"],
  ] as const)("still answers while the store is %s, and reports the outage until it is back", async (_label, failure) => {
    const model = mockChatModel({ relevant: "all", answer: ANSWER, score: 0.95 });
    setChatModelForTests(model);
    if (failure === "stopped") await store.stop();
    else store.mode = failure;

    // The question the cache answered a moment ago: now the agent answers it.
    const { result: asked, warnings } = await warningsDuring(() => ask("Can I get a refund?"));
    expect(asked.status).toBe(200);
    expect(asked.chunks.filter((c) => c.type === "error")).toEqual([]);
    expect(statusesOf(asked.chunks)).toEqual(["checking_cache", "searching", "answering", "resolved"]);
    expect(textOf(asked.chunks)).toBe(ANSWER);
    expect(metadataOf(asked.chunks)).toMatchObject({ fromCache: false });
    expect(model.doStreamCalls).toHaveLength(1);
    // The adapter gives up after its timeout (2 s) and one retry: the visitor waits seconds, not for ever.
    expect(asked.elapsedMs).toBeLessThan(15_000);

    expect(warnings).toContainEqual(expect.stringMatching(/^\[cache\] lookup failed, continuing without the cache/));
    expect(warnings).toContainEqual(expect.stringMatching(/^\[cache\] write failed, continuing without the cache/));
    expect(await health()).toEqual({ status: 200, body: { ok: true, cache: "unavailable" } });

    // Back: the next lookup succeeds, health says so, and the cache answers again.
    store.mode = "ok";
    await store.start();
    const back = await ask("Can I get a refund?");
    expect(metadataOf(back.chunks)).toMatchObject({ fromCache: true });
    expect(await health()).toEqual({ status: 200, body: { ok: true, cache: "ok" } });
  });

  it("delivers a staff reply with a reviewed cache entry while the store is down; only the entry is lost", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Maybe [1].", score: 0.05 }));
    const session = await startSession();
    const question = "Do you refund unused seats?";
    const asked = await ask(question, session);
    expect(statusesOf(asked.chunks).at(-1)).toBe("waiting_for_agent");
    await emailRoute(jsonRequest("/chat/email", { token: session.token, email: "visitor@example.com" }));
    const { rows } = await withService((tx) =>
      tx.query<{ id: string }>("select id from public.tickets where conversation_id = $1", [session.conversationId]),
    );
    const ticketId = rows[0].id;

    await store.stop();
    const staff = await staffHeaders(await tenant.staff("agent"));
    const answer = "Yes: unused seats are refunded pro rata.";
    const { result: resolved, warnings } = await warningsDuring(() =>
      resolveRoute(
        jsonRequest(`/admin/tickets/${ticketId}/resolve`, { answer, notify_email: true, reusable: { question, answer } }, staff),
        routeParams({ id: ticketId }),
      ),
    );
    expect(resolved.status).toBe(200);
    expect((await resolved.json()).ticket).toMatchObject({ status: "resolved", answer });
    expect(warnings).toContainEqual(expect.stringMatching(/^\[cache\] write failed/));
    expect(await health()).toMatchObject({ body: { cache: "unavailable" } });

    const delivered = await withService(async (tx) => ({
      human: (await tx.query("select 1 from public.messages where ticket_id = $1 and sender_type = 'human'", [ticketId])).rowCount,
      emails: (await tx.query("select 1 from public.email_outbox where ticket_id = $1", [ticketId])).rowCount,
      audit: (await tx.query("select 1 from public.audit_log where target_id = $1 and action = 'ticket.resolved'", [ticketId])).rowCount,
    }));
    expect(delivered).toEqual({ human: 1, emails: 1, audit: 1 });
    expect(cachedEntries().some((e) => e.metadata.question === question)).toBe(false);
  });
});
