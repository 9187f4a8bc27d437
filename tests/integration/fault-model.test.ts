import type { UIMessageChunk } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { startOpenAiStandIn, type OpenAiStandIn } from "@/tests/support/openai-standin";
import { serveRoute } from "@/tests/support/route-server";
import { metadataOf, readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";

/*
 * Fault: the model is down or slow. The product is configured as deployed with an
 * OpenAI-compatible server (OPENAI_BASE_URL), here a local stand-in that can refuse
 * connections, answer 503, never answer, or go silent in the middle of a streamed answer,
 * for the chat model and the embedding model alike. Whatever it does, the visitor's
 * request through the real chat route over HTTP answers 200 with an event stream that
 * ends in the bridge message and a ticket: never a 500, never a stream left hanging.
 */

const MODEL_TIMEOUT_MS = 1_500;
// Each model call (retries included) gives up after MODEL_TIMEOUT_MS, and a failed call
// escalates: the bridge message comes after a few budgets at most, never an open wait.
const HAND_OVER_WITHIN_MS = 4 * MODEL_TIMEOUT_MS + 3_000;
const saved = { ...process.env };
let model: OpenAiStandIn;
let tenant: TestTenant;
let chat: { url: string; close(): Promise<void> };

beforeAll(async () => {
  model = await startOpenAiStandIn();
  Object.assign(process.env, { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: "", CHAT_MODEL: "standin-chat", MODEL_TIMEOUT_MS: String(MODEL_TIMEOUT_MS) });
  resetEnvForTests();
  tenant = await createTestTenant("fault-model");
  // Embedded through the stand-in, as the deployed product's ingestion would.
  await seedKnowledgeBase(tenant);
  chat = await serveRoute(streamRoute);
});

afterEach(async () => {
  model.modes.chat = "ok";
  model.modes.embeddings = "ok";
  await model.start();
});

afterAll(async () => {
  await chat.close();
  await model.stop();
  process.env = { ...saved };
  resetEnvForTests();
  await closePool();
});

interface Asked {
  status: number;
  contentType: string | null;
  chunks: UIMessageChunk[];
  conversationId: string;
  elapsedMs: number;
}

/** A new visitor asks over HTTP; a response that never ends fails the test instead of hanging it. */
async function ask(message: string): Promise<Asked> {
  const session = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }));
  const { token, conversationId } = (await session.json()) as { token: string; conversationId: string };
  const started = Date.now();
  const response = await fetch(`${chat.url}/chat/stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, message }),
    signal: AbortSignal.timeout(25_000),
  });
  const chunks = await readUiStream(response);
  return { status: response.status, contentType: response.headers.get("content-type"), chunks, conversationId, elapsedMs: Date.now() - started };
}

async function stored(conversationId: string) {
  return withService(async (tx) => {
    const tickets = await tx.query<{ number: number; status: string; escalation_reason: string }>(
      "select number, status, escalation_reason from public.tickets where conversation_id = $1",
      [conversationId],
    );
    const messages = await tx.query<{ sender_type: string; content: string }>(
      "select sender_type, content from public.messages where conversation_id = $1 order by created_at, id",
      [conversationId],
    );
    return { tickets: tickets.rows, messages: messages.rows };
  });
}

/** The visitor got the hand-over: HTTP 200 event stream, the bridge message last, a ticket waiting. */
async function expectHandedOver(asked: Asked, question: string) {
  expect(asked.status).toBe(200);
  expect(asked.contentType).toContain("text/event-stream");
  expect(asked.chunks.filter((c) => c.type === "error")).toEqual([]);
  expect(statusesOf(asked.chunks).at(-1)).toBe("waiting_for_agent");
  const { tickets, messages } = await stored(asked.conversationId);
  expect(tickets).toHaveLength(1);
  expect(tickets[0].status).toBe("pending_human");
  const bridge = `I need to check this with an expert. Ticket #${tickets[0].number} created.`;
  expect(textOf(asked.chunks)).toContain(bridge);
  expect(textOf(asked.chunks).trimEnd().endsWith(messages.at(-1)!.content.trimEnd())).toBe(true);
  // The question is kept, and the last word the visitor has is the bridge message.
  expect(messages[0]).toEqual({ sender_type: "user", content: question });
  expect(messages.at(-1)).toMatchObject({ sender_type: "system", content: expect.stringContaining(bridge) });
  return tickets[0];
}

describe("model down or slow, through the chat route over HTTP", { timeout: 60_000 }, () => {
  it("answers from the model while it is healthy (the stand-in works)", async () => {
    const asked = await ask("How do I reset my password?");
    expect(asked.status).toBe(200);
    expect(statusesOf(asked.chunks).at(-1)).toBe("resolved");
    expect(textOf(asked.chunks)).toBe("You can reset it from the sign-in page [1].");
    expect((await stored(asked.conversationId)).tickets).toEqual([]);
    expect(model.calls.chat).toBeGreaterThanOrEqual(3);
  });

  it("escalates with the bridge message when the chat model answers 503 to every call", async () => {
    model.modes.chat = "error";
    const asked = await ask("How do I reset my password after it expired?");
    expect((await expectHandedOver(asked, "How do I reset my password after it expired?")).escalation_reason).toBe("model_error");
  });

  it("escalates when the model server is down altogether (connection refused, embeddings too)", async () => {
    await model.stop();
    const asked = await ask("Can I get a refund for my annual plan?");
    await expectHandedOver(asked, "Can I get a refund for my annual plan?");
    // The embedding call's retries stay within the budget too.
    expect(asked.elapsedMs).toBeLessThan(HAND_OVER_WITHIN_MS);
  });

  it("escalates once a chat model that never answers passes MODEL_TIMEOUT_MS", async () => {
    model.modes.chat = "hang";
    const asked = await ask("How do I export all my data?");
    expect((await expectHandedOver(asked, "How do I export all my data?")).escalation_reason).toBe("model_error");
    expect(asked.elapsedMs).toBeLessThan(HAND_OVER_WITHIN_MS);
  });

  it("hands over when the streamed answer stalls halfway: the words shown are marked unconfirmed", async () => {
    model.modes.chat = "stall";
    model.answer = "Enable it under Profile, then Security [1].";
    try {
      const asked = await ask("How do I enable two-factor authentication?");
      expect((await expectHandedOver(asked, "How do I enable two-factor authentication?")).escalation_reason).toBe("model_error");
      // The first words were shown as they came; the hand-over marks them unconfirmed.
      expect(textOf(asked.chunks)).toMatch(/^Enable it I need to check this with an expert\./);
      expect(metadataOf(asked.chunks)).toMatchObject({ unconfirmed: true });
      expect(asked.elapsedMs).toBeLessThan(HAND_OVER_WITHIN_MS);
    } finally {
      model.answer = "You can reset it from the sign-in page [1].";
    }
  });

  it("escalates, without waiting for ever, when the embedding model never answers", async () => {
    model.modes.embeddings = "hang";
    const asked = await ask("Where do I find recovery codes?");
    await expectHandedOver(asked, "Where do I find recovery codes?");
    expect(asked.elapsedMs).toBeLessThan(HAND_OVER_WITHIN_MS);
  });
});
