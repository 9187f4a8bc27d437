import type { UIMessageChunk } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { clearEmbeddingMemoForTests } from "@/lib/ai/embedding-memo";
import { getEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { mockChatModel } from "@/tests/support/mock-chat-model";
import { metadataOf, statusesOf, textOf } from "@/tests/support/ui-stream";

/*
 * FR-01: the visitor sees an answer as it is written. The mock model streams its words
 * with a delay (simulateReadableStream), and the test reads the response as it
 * arrives, noting in which network read each part came, so "before" means before in
 * time, not only earlier in the final body.
 */

let streaming: TestTenant;
let holding: TestTenant;

beforeAll(async () => {
  [streaming, holding] = [await createTestTenant("stream"), await createTestTenant("hold")];
  await seedKnowledgeBase(streaming);
  await seedKnowledgeBase(holding);
  await withService((tx) =>
    tx.query(`update public.tenants set settings = settings || '{"answer_delivery": "hold"}'::jsonb where id = $1`, [holding.id]),
  );
});

afterEach(() => {
  setChatModelForTests(undefined);
  setEmbedderForTests(undefined);
});
afterAll(() => closePool());

interface Arrival {
  chunk: UIMessageChunk;
  /** Which read() of the response body delivered it. */
  read: number;
}

async function askLive(tenant: TestTenant, message: string): Promise<{ arrivals: Arrival[]; conversationId: string }> {
  const session = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }));
  const { token, conversationId } = (await session.json()) as { token: string; conversationId: string };
  const response = await streamRoute(jsonRequest("/chat/stream", { token, message }));
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const arrivals: Arrival[] = [];
  let buffer = "";
  for (let read = 0; ; read++) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    for (const event of events) {
      const data = event.split("\n").find((line) => line.startsWith("data: "));
      if (data && data !== "data: [DONE]") arrivals.push({ chunk: JSON.parse(data.slice(6)) as UIMessageChunk, read });
    }
  }
  return { arrivals, conversationId };
}

const firstRead = (arrivals: Arrival[], match: (c: UIMessageChunk) => boolean) => arrivals.find((a) => match(a.chunk))?.read ?? -1;
const isStatus = (status: string) => (c: UIMessageChunk) => c.type === "data-status" && (c.data as { status: string }).status === status;
const chunksOf = (arrivals: Arrival[]) => arrivals.map((a) => a.chunk);

async function storedMessages(conversationId: string) {
  return withService(async (tx) => {
    const { rows } = await tx.query<{ sender_type: string; content: string; metadata: Record<string, unknown>; ttft_ms: number | null; tokens_per_second: number | null }>(
      "select sender_type, content, metadata, ttft_ms, tokens_per_second from public.messages where conversation_id = $1 order by created_at, id",
      [conversationId],
    );
    return rows;
  });
}

describe("streaming the answer as it is written", () => {
  it("sends text deltas before the final status, and records time to first token and tokens/s", async () => {
    const answer = "To reset your password, open the sign-in page and click Forgot password [1]. The link expires after 24 hours [1].";
    setChatModelForTests(mockChatModel({ relevant: "all", answer, score: 0.95, delayMs: 15 }));
    const { arrivals, conversationId } = await askLive(streaming, "How do I reset my password?");
    const chunks = chunksOf(arrivals);

    const firstDelta = firstRead(arrivals, (c) => c.type === "text-delta");
    const resolved = firstRead(arrivals, isStatus("resolved"));
    expect(firstDelta).toBeGreaterThanOrEqual(0);
    expect(resolved).toBeGreaterThan(firstDelta);
    expect(chunks.filter((c) => c.type === "text-delta").length).toBeGreaterThan(5);
    expect(textOf(chunks)).toBe(answer);
    // The streamed text is not sent a second time when the check passes.
    expect(chunks.filter((c) => c.type === "text-start")).toHaveLength(1);
    expect(metadataOf(chunks)).toMatchObject({ fromCache: false });
    expect(metadataOf(chunks).unconfirmed).toBeUndefined();

    const ai = (await storedMessages(conversationId)).find((m) => m.sender_type === "ai");
    expect(ai?.content).toBe(answer);
    expect(ai?.ttft_ms).toBeGreaterThanOrEqual(0);
    expect(ai?.tokens_per_second).toBeGreaterThan(0);
  });

  it("hands over with the draft when the check after streaming fails, marking what was shown unconfirmed", async () => {
    const draft = "Refunds are possible within 30 days [1], after that we cannot say.";
    setChatModelForTests(mockChatModel({ relevant: "all", answer: draft, score: 0.05, delayMs: 10 }));
    const { arrivals, conversationId } = await askLive(streaming, "Can I get a refund within 30 days of purchase?");
    const chunks = chunksOf(arrivals);

    expect(firstRead(arrivals, isStatus("waiting_for_agent"))).toBeGreaterThan(firstRead(arrivals, (c) => c.type === "text-delta"));
    expect(statusesOf(chunks)).not.toContain("resolved");
    expect(metadataOf(chunks)).toMatchObject({ unconfirmed: true });
    const text = textOf(chunks);
    expect(text.startsWith(draft)).toBe(true);
    expect(text).toMatch(/Ticket #\d+ created/);

    const stored = await storedMessages(conversationId);
    expect(stored.map((m) => m.sender_type)).toEqual(["user", "ai", "system"]);
    expect(stored[1]).toMatchObject({ content: draft, metadata: expect.objectContaining({ unconfirmed: true }) });
    const ticket = await withService(async (tx) => (await tx.query<{ draft: string }>("select draft from public.tickets where conversation_id = $1", [conversationId])).rows[0]);
    expect(ticket.draft).toBe(draft);
  });

  it("holds the draft until it is checked when the tenant chose to, and never shows a failed one", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Probably yes [1].", score: 0.05, delayMs: 5 }));
    const { arrivals, conversationId } = await askLive(holding, "Can I get a refund within 30 days of purchase?");
    const chunks = chunksOf(arrivals);
    expect(textOf(chunks)).not.toContain("Probably yes");
    expect(metadataOf(chunks).unconfirmed).toBeUndefined();
    expect((await storedMessages(conversationId)).map((m) => m.sender_type)).toEqual(["user", "system"]);

    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Open the sign-in page [1].", score: 0.95, delayMs: 5 }));
    const held = await askLive(holding, "How do I reset my password?");
    // Held: the whole answer arrives together with the final status.
    expect(firstRead(held.arrivals, (c) => c.type === "text-delta")).toBe(firstRead(held.arrivals, isStatus("resolved")));
    expect(textOf(chunksOf(held.arrivals))).toBe("Open the sign-in page [1].");
  });

  it("does not stream when the retrieval evidence is too weak for the answer to pass its check", async () => {
    setChatModelForTests(mockChatModel({ relevant: "all", answer: "Paris is the capital [1].", score: 0.95, delayMs: 5 }));
    const { arrivals } = await askLive(streaming, "What is the capital of France?");
    const chunks = chunksOf(arrivals);
    expect(chunks.some((c) => c.type === "text-delta" && c.delta.includes("Paris"))).toBe(false);
    expect(statusesOf(chunks)).toContain("waiting_for_agent");
  });

  it("streams the offline answerer's sentences with the same protocol", async () => {
    setChatModelForTests("offline");
    const { arrivals, conversationId } = await askLive(streaming, "How long is the password reset link valid?");
    const chunks = chunksOf(arrivals);
    expect(chunks.filter((c) => c.type === "text-start")).toHaveLength(1);
    expect(chunks.filter((c) => c.type === "text-delta").length).toBeGreaterThan(1);
    expect(textOf(chunks)).toContain("The reset link expires after 24 hours.");
    expect(statusesOf(chunks).at(-1)).toBe("resolved");
    expect(metadataOf(chunks)).toMatchObject({ offline: true });
    const ai = (await storedMessages(conversationId)).find((m) => m.sender_type === "ai");
    expect(ai?.ttft_ms).toBeGreaterThanOrEqual(0);
    expect(ai?.tokens_per_second).toBeNull();
  });

  it("hands over with the bridge message, never an error, when the embedder fails mid-answer", async () => {
    setChatModelForTests("offline");
    clearEmbeddingMemoForTests(); // every sentence must reach the embedder
    const real = getEmbedder();
    // The question's own embedding (cache and retrieval) works; the answerer's batch of sentences fails.
    setEmbedderForTests({ ...real, embed: async (texts) => (texts.length > 1 ? Promise.reject(new Error("model crashed")) : real.embed(texts)) });
    const { arrivals, conversationId } = await askLive(streaming, "How do I export my data as CSV?");
    const chunks = chunksOf(arrivals);
    expect(chunks.some((c) => c.type === "error")).toBe(false);
    expect(statusesOf(chunks)).toContain("waiting_for_agent");
    expect(textOf(chunks)).toMatch(/Ticket #\d+ created/);
    const ticket = await withService(async (tx) => (await tx.query<{ escalation_reason: string }>("select escalation_reason from public.tickets where conversation_id = $1", [conversationId])).rows[0]);
    expect(ticket.escalation_reason).toBe("model_error");
  });
});
