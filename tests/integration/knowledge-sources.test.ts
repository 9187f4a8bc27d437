import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getEmbedder, hashEmbedder, MINILM_MODEL_ID_PREFIX, setEmbedderForTests, type Embedder } from "@/lib/ai/embeddings";
import { padEmbedding } from "@/lib/ai/vector";
import { lookupCache, writeCache } from "@/lib/cache";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource, addUrlSource } from "@/lib/rag/add-source";
import { queueReembedsForModel } from "@/lib/rag/embedding-model";
import { ingestSource } from "@/lib/rag/ingest";
import { removeSource } from "@/lib/rag/remove-source";
import { retrieve } from "@/lib/rag/retrieve";
import { getSource } from "@/lib/rag/sources";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

const utf8 = (text: string) => new TextEncoder().encode(text);
let tenant: TestTenant;
let server: http.Server;
let baseUrl: string;
let page = "";

beforeAll(async () => {
  tenant = await createTestTenant("sources");
  server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
  resetEnvForTests();
});

afterEach(() => setEmbedderForTests(undefined));

afterAll(async () => {
  delete process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS;
  resetEnvForTests();
  server.close();
  await closePool();
});

const chunkIds = async (sourceId: string) =>
  (await withService((tx) => tx.query<{ id: string }>("select id from public.documents where source_id = $1 order by id", [sourceId]))).rows.map(
    (r) => r.id,
  );

const uploadText = (fileName: string, text: string) =>
  withTenant(tenant.owner, (tx) =>
    addFileSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, kind: "markdown", fileName, mimeType: null, data: utf8(text) }),
  );

describe("URL sources", () => {
  it("fetches and indexes a page, keeps it when a refresh finds it unchanged, replaces it when changed", async () => {
    page = "<html><head><title>Delivery FAQ</title></head><body><h1>Delivery</h1><p>Parcels arrive within three days.</p></body></html>";
    const url = `${baseUrl}/faq#top`;
    const { source } = await withTenant(tenant.owner, (tx) => addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url }));
    expect(source).toMatchObject({ kind: "url", url: `${baseUrl}/faq`, status: "queued" });
    await runJobsUntilIdle();
    expect(await withTenant(tenant.owner, (tx) => getSource(tx, source.id))).toMatchObject({ status: "ready", title: "Delivery FAQ" });
    const [hit] = await withTenant(tenant.owner, (tx) => retrieve(tx, "when do parcels arrive", { k: 1 }));
    expect(hit).toMatchObject({ sourceId: source.id, url: `${baseUrl}/faq`, title: "Delivery FAQ" });
    const original = await chunkIds(source.id);

    const refresh = await withTenant(tenant.owner, (tx) => addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url }));
    expect(refresh.source).toMatchObject({ id: source.id, version: 2, status: "queued" });
    await runJobsUntilIdle();
    expect(await withTenant(tenant.owner, (tx) => getSource(tx, source.id))).toMatchObject({ status: "ready", version: 2 });
    expect(await chunkIds(source.id)).toEqual(original); // nothing re-embedded

    page = page.replace("three days", "two days");
    await withTenant(tenant.owner, (tx) => addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url }));
    await runJobsUntilIdle();
    const [fresh] = await withTenant(tenant.owner, (tx) => retrieve(tx, "when do parcels arrive", { k: 1 }));
    expect(fresh.content).toContain("two days");
    expect((await chunkIds(source.id)).some((id) => original.includes(id))).toBe(false);
  });
});

describe("deleting a source", () => {
  it("removes its chunks, its file and the cached answers that cited it", async () => {
    const { source } = await uploadText("gift-cards.md", "# Gift cards\n\nGift cards never expire.");
    const { source: other } = await uploadText("vouchers.md", "# Vouchers\n\nVouchers expire after a year.");
    await runJobsUntilIdle();
    await withService((tx) =>
      tx.query(
        `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, source_ids, expires_at)
         values ($1, 'Do gift cards expire?', 'gift', $2, 'm', 'Never.', 'ai', $3, now() + interval '1 day'),
                ($1, 'Do vouchers expire?', 'voucher', $2, 'm', 'After a year.', 'ai', $4, now() + interval '1 day')`,
        [tenant.id, `[${padEmbedding([1]).join(",")}]`, [source.id], [other.id]],
      ),
    );

    const removed = await withTenant(tenant.owner, (tx) => removeSource(tx, tenant.id, source.id));
    expect(removed).toMatchObject({ id: source.id });
    expect(await chunkIds(source.id)).toEqual([]);
    const left = await withService((tx) =>
      tx.query<{ question_key: string }>("select question_key from public.cache_entries where tenant_id = $1", [tenant.id]),
    );
    expect(left.rows.map((r) => r.question_key)).toEqual(["voucher"]);
    const files = await withService((tx) => tx.query("select 1 from public.source_files where source_id = $1", [source.id]));
    expect(files.rows).toHaveLength(0);
    expect((await chunkIds(other.id)).length).toBeGreaterThan(0);
    expect(await withTenant(tenant.owner, (tx) => removeSource(tx, tenant.id, source.id))).toBeNull();
  });

  it("stops an ingestion that was still running, without error", async () => {
    const { source } = await uploadText("short-lived.md", "# Short lived\n\nThis document is deleted while it is indexed.");
    await withTenant(tenant.owner, (tx) => removeSource(tx, tenant.id, source.id));
    expect(await ingestSource({ tenantId: tenant.id, sourceId: source.id, version: 1 }, { isFinalAttempt: true })).toEqual({ status: "skipped" });
    expect(await runJobsUntilIdle()).toMatchObject({ succeeded: 1, failed: 0 });
  });
});

describe("switching the embedding model", () => {
  it("re-embeds the tenant's chunks instead of mixing vector spaces", async () => {
    const own = await createTestTenant("model-switch");
    const add = (fileName: string, text: string) =>
      withTenant(own.owner, (tx) =>
        addFileSource(tx, { tenantId: own.id, userId: own.ownerId, kind: "markdown", fileName, mimeType: null, data: utf8(text) }),
      );
    await add("loyalty.md", "# Loyalty points\n\nLoyalty points are credited one week after delivery.");
    await runJobsUntilIdle();
    const offline = getEmbedder();

    // A different model: the offline vectors, reversed (a different space for the same text).
    const other: Embedder = { ...offline, modelId: "test:reversed", embed: async (t) => (await offline.embed(t)).map((v) => [...v].reverse()) };
    setEmbedderForTests(other);
    await add("newsletter.md", "# Newsletter\n\nUnsubscribe from the newsletter with the link in any issue.");
    const queued = await withService((tx) =>
      tx.query<{ name: string }>("select name from public.jobs where tenant_id = $1 and status = 'queued'", [own.id]),
    );
    expect(queued.rows.map((r) => r.name)).toEqual(["rag.ingest-source"]);
    await runJobsUntilIdle();

    const models = await withService((tx) =>
      tx.query<{ model: string; n: number }>(
        `select additional_data->>'embedding_model' as model, count(*)::int as n from public.documents
         where tenant_id = $1 group by 1`,
        [own.id],
      ),
    );
    expect(models.rows).toEqual([{ model: "test:reversed", n: 2 }]);
    const sources = await withService((tx) => tx.query<{ m: string }>("select distinct embedding_model as m from public.sources where tenant_id = $1", [own.id]));
    expect(sources.rows).toEqual([{ m: "test:reversed" }]);
    const jobs = await withService((tx) =>
      tx.query<{ name: string; status: string }>("select name, status from public.jobs where tenant_id = $1 order by created_at", [own.id]),
    );
    expect(jobs.rows).toContainEqual({ name: "rag.reembed-tenant", status: "succeeded" });
    const [hit] = await withTenant(own.owner, (tx) => retrieve(tx, "when are loyalty points credited", { k: 1 }));
    expect(hit.content).toContain("one week");
    expect(hit.vectorRank).toBe(1); // found by the vector search in the new space
  });

  it("re-embeds at start-up a tenant whose vectors the hash embedder made, with the neural default", async () => {
    // CI fetches the model (npm run models:fetch); the default must then be the neural one.
    expect(getEmbedder().modelId.startsWith(MINILM_MODEL_ID_PREFIX)).toBe(true);
    const own = await createTestTenant("hash-to-minilm");
    setEmbedderForTests(hashEmbedder);
    await withTenant(own.owner, (tx) =>
      addFileSource(tx, {
        tenantId: own.id,
        userId: own.ownerId,
        kind: "markdown",
        fileName: "cancel.md",
        mimeType: null,
        data: utf8("# Cancelling\n\nYou can end your subscription at any time from the billing page; it stops at the end of the paid month."),
      }),
    );
    await runJobsUntilIdle();
    // An approved answer the cache learnt while the hash embedder was in use.
    const cached = await withTenant(own.owner, async (tx) =>
      writeCache(
        { tx, tenantId: own.id, embeddingModel: hashEmbedder.modelId },
        {
          question: "How can I cancel my subscription?",
          embedding: (await hashEmbedder.embed(["How can I cancel my subscription?"]))[0],
          answer: "From the billing page, at any time.",
          source: "human",
          citations: [],
          sourceIds: [],
          confidence: null,
          ttlDays: 30,
        },
      ),
    );
    expect(cached).toBe(true);
    setEmbedderForTests(undefined);
    const model = getEmbedder().modelId;
    const [paraphrase] = await getEmbedder().embed(["I'd like to end my subscription"]);
    const lookup = () => withTenant(own.owner, (tx) => lookupCache({ tx, tenantId: own.id, embeddingModel: model }, paraphrase, 0.6));
    expect(await lookup()).toBeNull(); // hash vectors are never compared with neural ones

    // Until re-embedded, the neural question vector is never compared with hash vectors.
    const before = await withTenant(own.owner, (tx) => retrieve(tx, "how do I stop my plan", { k: 1 }));
    expect(before.every((h) => h.vectorRank === null)).toBe(true);

    const queued = await withService((tx) => queueReembedsForModel(tx, model));
    expect(queued).toContain(own.id);
    expect(await withService((tx) => queueReembedsForModel(tx, model))).toContain(own.id); // idempotent while queued
    const jobs = await withService((tx) =>
      tx.query<{ n: number }>("select count(*)::int as n from public.jobs where tenant_id = $1 and name = 'rag.reembed-tenant' and status = 'queued'", [own.id]),
    );
    expect(jobs.rows[0].n).toBe(1);
    // Other files' tenants in this shared database are stale too (hash-embedded on
    // purpose); re-embedding their large documents is not this test's subject.
    await withService((tx) =>
      tx.query("delete from public.jobs where name = 'rag.reembed-tenant' and status = 'queued' and tenant_id <> $1", [own.id]),
    );
    await runJobsUntilIdle();
    const models = await withService((tx) =>
      tx.query<{ doc: string; tenant: string }>(
        `select distinct d.additional_data->>'embedding_model' as doc, t.embedding_model as tenant
         from public.documents d join public.tenants t on t.id = d.tenant_id where d.tenant_id = $1`,
        [own.id],
      ),
    );
    expect(models.rows).toEqual([{ doc: model, tenant: model }]);
    // The approved answer was re-embedded too, and a paraphrase now finds it.
    expect(await lookup()).toMatchObject({ answer: "From the billing page, at any time.", source: "human" });
    // "stop my plan" shares no word with the article: only meaning finds it.
    const [hit] = await withTenant(own.owner, (tx) => retrieve(tx, "how do I stop my plan", { k: 1 }));
    expect(hit).toMatchObject({ vectorRank: 1 });
    expect(hit.content).toContain("end your subscription");
  });

  it("never compares a question with vectors of another model", async () => {
    setEmbedderForTests({ ...getEmbedder(), modelId: "test:unused" });
    const hits = await withTenant(tenant.owner, (tx) => retrieve(tx, "when do parcels arrive", { k: 3 }));
    expect(hits.length).toBeGreaterThan(0); // still found by full-text search
    expect(hits.every((h) => h.vectorRank === null && h.vectorSimilarity === null)).toBe(true);
  });
});
