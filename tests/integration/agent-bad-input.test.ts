import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { GET as historyRoute } from "@/app/(widget)/chat/history/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { GET as ticketsRoute } from "@/app/(staff)/admin/tickets/route";
import type { AgentGraph } from "@/lib/agent/graph";
import { signClaims, tokenKey } from "@/lib/auth/jwt";
import { storeQuestion } from "@/lib/flows/ask-question";
import { chatStreamResponse } from "@/lib/flows/answer-stream";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { newQuestion } from "@/tests/support/agent";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";

let tenant: TestTenant;
let session: { token: string; conversationId: string };

beforeAll(async () => {
  tenant = await createTestTenant("bad-input");
  session = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
});

afterAll(() => closePool());

async function messageCount(): Promise<number> {
  const { rows } = await withService((tx) =>
    tx.query<{ n: number }>("select count(*)::int as n from public.messages where conversation_id = $1", [session.conversationId]),
  );
  return rows[0].n;
}

async function expectError(response: Response, status: number, message: RegExp) {
  expect(response.status).toBe(status);
  expect((await response.json()).error.message).toMatch(message);
}

describe("bad input is refused with a reason and writes nothing", () => {
  it("refuses empty, oversized, malformed and tokenless messages", async () => {
    const before = await messageCount();
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: session.token, message: "   " })), 422, /message is empty/);
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: session.token, message: "x".repeat(4_001) })), 422, /longer than 4000 characters/);
    await expectError(await streamRoute(jsonRequest("/chat/stream", "{not json")), 400, /not valid JSON/);
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: session.token, message: 42 })), 422, /message/);
    await expectError(await streamRoute(jsonRequest("/chat/stream", { message: "hello" })), 401, /token is required/);
    expect(await messageCount()).toBe(before);
  });

  it("refuses forged, expired and staff tokens", async () => {
    const forged = await new SignJWT({ role: "anon", app_metadata: { tenant_id: tenant.id, conversation_id: session.conversationId } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("support-platform")
      .setAudience("widget")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("an-attacker-secret-that-is-long-enough-000"));
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: forged, message: "hi" })), 401, /credentials are invalid/);

    const expired = await new SignJWT({ role: "anon", app_metadata: { tenant_id: tenant.id, conversation_id: session.conversationId } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("support-platform")
      .setAudience("widget")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(tokenKey("widget"));
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: expired, message: "hi" })), 401, /expired/);

    const staffToken = await signClaims(tenant.owner, "staff");
    await expectError(await streamRoute(jsonRequest("/chat/stream", { token: staffToken, message: "hi" })), 401, /credentials are invalid/);
    await expectError(await historyRoute(new Request("http://localhost/chat/history?token=nonsense")), 401, /credentials are invalid/);
    await expectError(await eventsRoute(new Request(`http://localhost/chat/events?token=${session.token}&after=bogus`)), 400, /message id/);
  });

  it("refuses an unknown widget key and an invalid e-mail address", async () => {
    await expectError(await sessionRoute(jsonRequest("/chat/session", { widgetKey: "pk_doesnotexist" })), 404, /Unknown widget key/);
    await expectError(await sessionRoute(jsonRequest("/chat/session", {})), 422, /widgetKey/);
    await expectError(await emailRoute(jsonRequest("/chat/email", { token: session.token, email: "not-an-address" })), 422, /valid email/);
    const { rows } = await withService((tx) => tx.query("select user_email from public.conversations where id = $1", [session.conversationId]));
    expect(rows[0].user_email).toBeNull();
  });

  it("resumes the same conversation for a valid token of the same tenant only", async () => {
    const again = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, token: session.token }));
    expect(again.status).toBe(200);
    expect((await again.json()).conversationId).toBe(session.conversationId);
    const elsewhere = await createTestTenant("bad-input-other");
    const foreign = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: elsewhere.widgetKey, token: session.token }))).json();
    expect(foreign.conversationId).not.toBe(session.conversationId);
    const broken = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, token: "garbage" }));
    expect(broken.status).toBe(201);
  });

  it("accepts the useChat body shape with the token as a bearer header", async () => {
    const before = await messageCount();
    const response = await streamRoute(
      jsonRequest(
        "/chat/stream",
        { messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "   " }] }] },
        { authorization: `Bearer ${session.token}` },
      ),
    );
    await expectError(response, 422, /message is empty/);
    expect(await messageCount()).toBe(before);
  });

  it("refuses a bad ticket status filter", async () => {
    const response = await ticketsRoute(
      new Request("http://localhost/admin/tickets?status=everything", { headers: await staffHeaders(tenant.owner) }),
      routeParams({}),
    );
    await expectError(response, 400, /status must be/);
  });
});

describe("the chat's safety net", () => {
  it("still opens a ticket and sends the bridge message when the agent fails unexpectedly", async () => {
    const input = await newQuestion(tenant, "What happens when everything breaks?");
    const broken = { stream: async () => Promise.reject(new Error("checkpointer unreachable")) } as unknown as AgentGraph;
    const chunks = await readUiStream(chatStreamResponse(input, broken));
    // The cache was checked (a miss) before the run failed.
    expect(statusesOf(chunks)).toEqual(["checking_cache", "waiting_for_agent"]);
    expect(textOf(chunks)).toMatch(/^I need to check this with an expert\. Ticket #\d+ created\./);
    const { rows } = await withService((tx) =>
      tx.query("select status, escalation_reason, question from public.tickets where conversation_id = $1", [input.conversationId]),
    );
    expect(rows).toEqual([{ status: "pending_human", escalation_reason: "unexpected_error", question: input.question }]);
  });
});

describe("rate limiting", () => {
  it("refuses a conversation's questions past the per-minute limit with 429, storing none of them", async () => {
    const own = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
    // Questions already asked this minute count towards the limit, whichever process took them.
    const visitor = { claims: tenant.visitor(own.conversationId), tenantId: tenant.id, conversationId: own.conversationId };
    for (let i = 0; i < env().CHAT_RATE_LIMIT_PER_MINUTE; i++) await storeQuestion(visitor, `question ${i}`);
    const response = await streamRoute(jsonRequest("/chat/stream", { token: own.token, message: "one more question?" }));
    await expectError(response, 429, /too quickly/);
    const { rows } = await withService((tx) =>
      tx.query<{ n: number }>("select count(*)::int as n from public.messages where conversation_id = $1", [own.conversationId]),
    );
    expect(rows[0].n).toBe(env().CHAT_RATE_LIMIT_PER_MINUTE);
  });
});
