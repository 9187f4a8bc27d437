import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { getEmbedder, setEmbedderForTests, type Embedder } from "@/lib/ai/embeddings";
import { systemClaims } from "@/lib/db/claims";
import { flushCacheHits, writeCache } from "@/lib/cache";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";
import { metadataOf, readUiStream, statusesOf, textOf } from "@/tests/support/ui-stream";

let tenant: TestTenant;
let other: TestTenant;
const embedded: string[] = [];

/** The real embedder, recording what it is asked to embed. */
function countingEmbedder(): Embedder {
  const real = getEmbedder();
  return { ...real, embed: (texts) => (embedded.push(...texts), real.embed(texts)) };
}

async function seed(t: TestTenant, question: string, answer: string): Promise<void> {
  const embedder = getEmbedder();
  const [embedding] = await embedder.embed([question]);
  await withTenant(systemClaims(t.id), (tx) =>
    writeCache({ tx, tenantId: t.id, embeddingModel: embedder.modelId }, {
      question, embedding, answer, source: "human", citations: [], sourceIds: [], confidence: null, ttlDays: 7,
    }),
  );
}

async function ask(t: TestTenant, message: string) {
  const session = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: t.widgetKey }))).json();
  const response = await streamRoute(jsonRequest("/chat/stream", { token: session.token, message }));
  expect(response.status).toBe(200);
  return { response, chunks: await readUiStream(response) };
}

beforeAll(async () => {
  tenant = await createTestTenant("paths-a");
  other = await createTestTenant("paths-b");
  await seed(tenant, "How do I export my invoices?", "Billing → Invoices → Export.");
  await seed(other, "How do I export my invoices?", "Other tenant's answer.");
});

afterEach(() => {
  setEmbedderForTests(undefined);
  delete process.env.CHAT_SERVER_TIMING;
  resetEnvForTests();
  embedded.length = 0;
});

afterAll(() => closePool());

describe("the chat's cache paths", () => {
  it("answers an exact repeat (another spelling of the same key) without embedding anything", async () => {
    setEmbedderForTests(countingEmbedder());
    const { chunks } = await ask(tenant, "how do I export my invoices");
    expect(textOf(chunks)).toBe("Billing → Invoices → Export.");
    expect(metadataOf(chunks)).toMatchObject({ fromCache: true });
    expect(embedded).toEqual([]);
  });

  it("embeds a paraphrase once and answers it from the same tenant's entry", async () => {
    setEmbedderForTests(countingEmbedder());
    const question = "Hi, how do I export my invoices? Thanks";
    const { chunks } = await ask(tenant, question);
    expect(textOf(chunks)).toBe("Billing → Invoices → Export.");
    expect(embedded).toEqual([question]);
  });

  it("counts hits off the answer's path: written when flushed", async () => {
    await ask(tenant, "How do I export my invoices?");
    await flushCacheHits();
    const { rows } = await withService((tx) =>
      tx.query<{ hits: number }>("select hits from public.cache_entries where tenant_id = $1", [tenant.id]),
    );
    expect(rows[0].hits).toBeGreaterThanOrEqual(1);
  });

  it("stores the question once when storing the cached answer fails, and still answers the visitor", async () => {
    const question = "Can I pay by cheque?";
    await seed(tenant, question, "POISON: refused as a message by the test's trigger.");
    await withService((tx) =>
      tx.query(`create function public.test_refuse_poison() returns trigger language plpgsql as $$
                begin if new.content like 'POISON%' then raise exception 'refused by the test'; end if; return new; end $$;
                create trigger test_refuse_poison before insert on public.messages
                  for each row execute function public.test_refuse_poison()`),
    );
    try {
      const { chunks } = await ask(tenant, question);
      expect(textOf(chunks)).not.toContain("POISON");
      expect(statusesOf(chunks)).toContain("waiting_for_agent");
      const { rows } = await withService((tx) =>
        tx.query<{ n: number }>("select count(*)::int as n from public.messages where tenant_id = $1 and sender_type = 'user' and content = $2", [tenant.id, question]),
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await withService((tx) => tx.query("drop trigger test_refuse_poison on public.messages; drop function public.test_refuse_poison()"));
    }
  });

  it("reports where the time went when CHAT_SERVER_TIMING=1, and only then", async () => {
    const quiet = await ask(tenant, "How do I export my invoices?");
    expect(quiet.response.headers.get("server-timing")).toBeNull();
    expect(metadataOf(quiet.chunks)).not.toHaveProperty("serverTiming");

    process.env.CHAT_SERVER_TIMING = "1";
    resetEnvForTests();
    const exact = await ask(tenant, "How do I export my invoices?");
    expect(exact.response.headers.get("server-timing")).toMatch(/^embed;dur=0, db;dur=\d+(\.\d+)?$/);
    const timing = metadataOf(exact.chunks).serverTiming as { embedMs: number; dbMs: number };
    expect(timing.embedMs).toBe(0);
    expect(timing.dbMs).toBeGreaterThan(0);
    const paraphrase = await ask(tenant, "Hello! how do I export my invoices? Thank you.");
    expect((metadataOf(paraphrase.chunks).serverTiming as { embedMs: number }).embedMs).toBeGreaterThan(0);
  });
});
