import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as eventsRoute } from "@/app/(widget)/chat/events/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { listMessages } from "@/lib/chat/messages";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";

/**
 * The live stream's cursor is a message id; PostgreSQL keeps message times to the
 * microsecond, JavaScript dates to the millisecond. Found by bench:load: every open
 * stream sent its last message again on every poll (once a second, for as long as the
 * widget stayed open), because the cursor's time lost its microseconds on the way back.
 */
let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("live-cursor");
});
afterAll(() => closePool());

async function newConversation(): Promise<{ token: string; conversationId: string }> {
  return (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
}

/** The message ids the live stream sends during `ms`, duplicates included. */
async function liveIdsFor(token: string, after: string, ms: number): Promise<string[]> {
  const controller = new AbortController();
  const query = new URLSearchParams({ token, after });
  const response = await eventsRoute(new Request(`http://localhost/chat/events?${query}`, { signal: controller.signal }));
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => void reader.cancel(), ms);
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]);
}

describe("the live events cursor", () => {
  it("lists nothing after the newest message, even when times share a millisecond", async () => {
    const { token, conversationId } = await newConversation();
    await streamRoute(jsonRequest("/chat/stream", { token, message: "hi" })).then((r) => r.text());
    // Two messages in the same millisecond, microseconds apart, as PostgreSQL can store them.
    const { rows } = await withService(async (tx) => {
      await tx.query(
        `update public.messages m set created_at = '2026-01-01 12:00:00.123456+00'::timestamptz + (o.n - 1) * interval '200 microseconds'
           from (select id, row_number() over (order by created_at, id) as n from public.messages where conversation_id = $1) o
          where m.id = o.id`,
        [conversationId],
      );
      return tx.query<{ id: string }>("select id from public.messages where conversation_id = $1 order by created_at, id", [conversationId]);
    });
    expect(rows).toHaveLength(2);
    const [first, last] = rows.map((r) => r.id);

    const claims = tenant.visitor(conversationId);
    expect((await withTenant(claims, (tx) => listMessages(tx, conversationId, { after: last }))).map((m) => m.id)).toEqual([]);
    expect((await withTenant(claims, (tx) => listMessages(tx, conversationId, { after: first }))).map((m) => m.id)).toEqual([last]);
  });

  it("sends each message once to an open widget, however many polls pass", async () => {
    const { token } = await newConversation();
    await streamRoute(jsonRequest("/chat/stream", { token, message: "hello" })).then((r) => r.text());
    await streamRoute(jsonRequest("/chat/stream", { token, message: "thanks" })).then((r) => r.text());
    // A cursor naming no message of the conversation means "from the start": four messages;
    // the stream polls every second, so 2.5 s is two more polls.
    const ids = await liveIdsFor(token, randomUUID(), 2_500);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });
});
