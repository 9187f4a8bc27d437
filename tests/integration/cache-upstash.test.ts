import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getEmbedder, hashEmbedder } from "@/lib/ai/embeddings";
import { cosineSimilarity } from "@/lib/ai/vector";
import {
  getSemanticCache,
  listCacheEntries,
  lookupCache,
  setSemanticCacheForTests,
  writeCache,
  type CacheEntryInput,
  type CacheScope,
  type SemanticCache,
} from "@/lib/cache";
import { createUpstashCache } from "@/lib/cache/adapters/upstash";
import { createUpstashIndex, entryIdFor, type UpstashIndex } from "@/lib/cache/adapters/upstash-index";
import {
  deleteUpstashCacheEntry,
  listUpstashCacheEntries,
  setUpstashCacheEmbeddings,
  staleUpstashCacheEntries,
  updateUpstashCacheAnswer,
} from "@/lib/cache/adapters/upstash-entries";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { closePool } from "@/lib/db/pool";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createTestTenant } from "@/tests/support/fixtures";
import { startUpstashVectorStandIn, type UpstashVectorStandIn } from "@/tests/support/upstash-vector-standin";

/**
 * The Upstash Vector adapter tested at its HTTP boundary: a local server (tests/support/upstash-vector-standin.ts) implements the
 * documented REST endpoints the SDK calls (POST /{command}/{namespace}, bearer token,
 * {"result": ...} bodies, cosine scores normalised to (1 + cos) / 2, SQL-like filters).
 */

const TOKEN = "test-upstash-token";
let upstash: UpstashVectorStandIn;

// --- the adapter under test ---
const embedder = getEmbedder();
const THRESHOLD = 0.8;
const noDatabase = { query: () => Promise.reject(new Error("the Upstash adapter must not use the database")) } as Tx;
let index: UpstashIndex;
let cache: SemanticCache;
const [tenantA, tenantB] = [randomUUID(), randomUUID()];

const scopeOf = (tenantId: string): CacheScope => ({ tx: noDatabase, tenantId, embeddingModel: embedder.modelId });
const embed = async (text: string) => (await embedder.embed([text]))[0];
const entry = async (question: string, overrides: Partial<CacheEntryInput> = {}): Promise<CacheEntryInput> => ({
  question,
  embedding: await embed(question),
  answer: `Answer to: ${question}`,
  source: "ai",
  citations: [],
  sourceIds: [],
  confidence: 0.9,
  ttlDays: 7,
  ...overrides,
});
const ask = async (tenantId: string, question: string) => cache.lookup(scopeOf(tenantId), await embed(question), THRESHOLD);
const stored = (tenantId: string) => [...(upstash.store.get(`tenant:${tenantId}`)?.values() ?? [])].map((s) => s.metadata);

beforeAll(async () => {
  upstash = await startUpstashVectorStandIn(TOKEN);
  index = createUpstashIndex({ url: upstash.url, token: TOKEN, timeoutMs: 300, retries: 0 });
  cache = createUpstashCache(index);
});

beforeEach(() => {
  upstash.store.clear();
  upstash.requests.length = 0;
  upstash.mode = "ok";
});

afterEach(() => setSemanticCacheForTests(undefined));

afterAll(async () => {
  upstash.mode = "ok";
  await upstash.stop();
  await closePool();
});

describe("Upstash Vector adapter", () => {
  it("queries the tenant's namespace with the tenant filter and the bearer token", async () => {
    await cache.write(scopeOf(tenantA), await entry("How do I reset my password?"));
    const hit = await ask(tenantA, "how can I reset my password");
    expect(hit).toMatchObject({ answer: "Answer to: How do I reset my password?", source: "ai" });
    // Scores come back as (1 + cos) / 2; the adapter reports plain cosine similarity.
    expect(hit!.similarity).toBeCloseTo(cosineSimilarity(await embed("how can I reset my password"), await embed("How do I reset my password?")), 5);

    const query = upstash.requests.find((r) => r.command === "query")!;
    expect(query.namespace).toBe(`tenant:${tenantA}`);
    expect(query.auth).toBe(`Bearer ${TOKEN}`);
    expect(query.body.filter).toMatch(new RegExp(`^tenant_id = '${tenantA}' AND embedding_model = '${embedder.modelId}' AND expires_at > \\d+$`));
    const upsert = upstash.requests.find((r) => r.command === "upsert")!;
    expect(upsert.namespace).toBe(`tenant:${tenantA}`);
    expect(upsert.body).toMatchObject({ id: entryIdFor(normalizeQuestion("How do I reset my password?")), metadata: { tenant_id: tenantA } });
  });

  it("misses below the threshold and never answers tenant B from tenant A's entry", async () => {
    await cache.write(scopeOf(tenantA), await entry("Can I pay by bank transfer?"));
    expect(await ask(tenantA, "What are your opening hours?")).toBeNull();
    expect(await ask(tenantB, "Can I pay by bank transfer?")).toBeNull();
    expect(upstash.requests.filter((r) => r.command === "query").map((r) => r.namespace)).toEqual([`tenant:${tenantA}`, `tenant:${tenantB}`]);
  });

  it("drops results of another tenant even if the store returned them (second guard)", async () => {
    await cache.write(scopeOf(tenantA), await entry("Can I pay by bank transfer?"));
    upstash.mode = "ignore-filters";
    expect(await ask(tenantB, "Can I pay by bank transfer?")).toBeNull();
    expect(await ask(tenantA, "Can I pay by bank transfer?")).not.toBeNull();
  });

  it("ignores expired entries", async () => {
    await cache.write(scopeOf(tenantA), await entry("Where is my invoice?"));
    expect(await ask(tenantA, "Where is my invoice?")).not.toBeNull();
    for (const m of stored(tenantA)) m.expires_at = Date.now() - 1000;
    expect(await ask(tenantA, "Where is my invoice?")).toBeNull();
    upstash.mode = "ignore-filters";
    expect(await ask(tenantA, "Where is my invoice?")).toBeNull();
  });

  it("keeps human answers: AI writes skip them, human writes replace AI and human", async () => {
    await cache.write(scopeOf(tenantA), await entry("Do you ship to Norway?", { answer: "AI v1" }));
    await cache.write(scopeOf(tenantA), await entry("do you ship to norway", { source: "human", answer: "Human v1" }));
    await cache.write(scopeOf(tenantA), await entry("Do you ship to Norway??", { answer: "AI v2" }));
    expect(stored(tenantA)).toMatchObject([{ answer: "Human v1", source: "human" }]);
    await cache.write(scopeOf(tenantA), await entry("Do you ship to Norway?", { source: "human", answer: "Human v2" }));
    expect(stored(tenantA)).toMatchObject([{ answer: "Human v2", source: "human" }]);
  });

  it("prefers a human answer among near-equal candidates", async () => {
    const base = await embed("How do I export my data?");
    const nearby = base.map((x, i) => (i % 7 === 0 ? x * 0.8 : x));
    await cache.write(scopeOf(tenantA), await entry("How do I export my data?", { embedding: base }));
    await cache.write(scopeOf(tenantA), await entry("Exporting data", { embedding: nearby, source: "human", answer: "Human" }));
    const hit = await cache.lookup(scopeOf(tenantA), base, THRESHOLD);
    expect(hit).toMatchObject({ source: "human", answer: "Human" });
  });

  it("counts hits and drops only AI entries citing invalidated sources", async () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    await cache.write(scopeOf(tenantA), await entry("AI citing one", { sourceIds: [s1] }));
    await cache.write(scopeOf(tenantA), await entry("AI citing two", { sourceIds: [s2] }));
    await cache.write(scopeOf(tenantA), await entry("Human citing one", { sourceIds: [s1], source: "human" }));

    const hit = await ask(tenantA, "Human citing one");
    await cache.recordHit(scopeOf(tenantA), hit!.id);
    await cache.recordHit(scopeOf(tenantA), hit!.id);
    expect(stored(tenantA).find((m) => m.question === "Human citing one")).toMatchObject({ hits: 2 });

    expect(await cache.invalidateSources(scopeOf(tenantA), [s1])).toBe(1);
    expect(stored(tenantA).map((m) => m.question).sort()).toEqual(["AI citing two", "Human citing one"]);
    const del = upstash.requests.find((r) => r.command === "delete")!;
    expect(del.namespace).toBe(`tenant:${tenantA}`);
    expect(del.body.filter).toBe(`tenant_id = '${tenantA}' AND source = 'ai' AND (source_ids CONTAINS '${s1}')`);
  });

  it("refuses values that could escape a filter string", async () => {
    const scope = { ...scopeOf(tenantA), embeddingModel: "x' OR tenant_id != '" };
    await expect(cache.lookup(scope, await embed("q"), THRESHOLD)).rejects.toThrow();
    await expect(cache.lookup({ ...scopeOf(tenantA), tenantId: "' OR 1=1" }, await embed("q"), THRESHOLD)).rejects.toThrow();
    expect(upstash.requests).toHaveLength(0);
  });
});

describe("re-embedding after a model change", () => {
  it("lists the tenant's entries of other models and stores their new vectors and model together", async () => {
    const old = (tenantId: string): CacheScope => ({ ...scopeOf(tenantId), embeddingModel: hashEmbedder.modelId });
    const hashed = async (question: string) => entry(question, { embedding: (await hashEmbedder.embed([question]))[0], source: "human" });
    await cache.write(old(tenantA), await hashed("How do I reset my password?"));
    await cache.write(old(tenantA), await hashed("Where is my invoice?"));
    await cache.write(old(tenantB), await hashed("Tenant B question"));
    await cache.write(scopeOf(tenantA), await entry("Already current"));
    expect(await ask(tenantA, "I forgot my password, how can I reset it?")).toBeNull();

    const stale = await staleUpstashCacheEntries(index, tenantA, embedder.modelId, 10, embedder.dimensions);
    expect(stale.map((e) => e.question).sort()).toEqual(["How do I reset my password?", "Where is my invoice?"]);
    await setUpstashCacheEmbeddings(index, tenantA, embedder.modelId, stale, await embedder.embed(stale.map((e) => e.question)));

    expect(await staleUpstashCacheEntries(index, tenantA, embedder.modelId, 10, embedder.dimensions)).toEqual([]);
    expect(await ask(tenantA, "How do I reset my password?")).toMatchObject({ answer: "Answer to: How do I reset my password?", source: "human" });
    expect(stored(tenantB)).toMatchObject([{ embedding_model: hashEmbedder.modelId }]); // another namespace, untouched
  });
});

describe("outage", () => {
  it("degrades to a miss when Upstash errors or hangs", async () => {
    setSemanticCacheForTests(cache);
    for (const failure of ["error", "hang"] as const) {
      upstash.mode = failure;
      const started = Date.now();
      expect(await lookupCache(scopeOf(tenantA), await embed("anything"), THRESHOLD)).toBeNull();
      expect(await writeCache(scopeOf(tenantA), await entry("anything"))).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});

describe("configuration and staff management", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvForTests();
  });

  it("is chosen by CACHE_ADAPTER=upstash and serves the Control Center through staff claims", async () => {
    const tenant = await createTestTenant("upstash");
    Object.assign(process.env, { CACHE_ADAPTER: "upstash", UPSTASH_VECTOR_REST_URL: upstash.url, UPSTASH_VECTOR_REST_TOKEN: TOKEN });
    resetEnvForTests();
    setSemanticCacheForTests(undefined);
    expect(getSemanticCache().name).toBe("upstash");

    await getSemanticCache().write(scopeOf(tenant.id), await entry("First question"));
    const page = await withTenant(tenant.owner, (tx) => listCacheEntries(tx, { limit: 10, offset: 0 }));
    expect(page).toMatchObject({ total: 1, entries: [{ question: "First question", source: "ai", hits: 0 }] });
    await expect(withTenant(tenant.visitor(), (tx) => listCacheEntries(tx, { limit: 10, offset: 0 }))).rejects.toMatchObject({
      status: 403,
    });
  });

  it("lists, edits and deletes entries of one namespace only", async () => {
    for (const q of ["one", "two", "three"]) await cache.write(scopeOf(tenantA), await entry(q));
    await cache.write(scopeOf(tenantB), await entry("other tenant"));

    const first = await listUpstashCacheEntries(index, tenantA, { limit: 2, offset: 0 });
    const rest = await listUpstashCacheEntries(index, tenantA, { limit: 2, offset: 2 });
    expect(first.total).toBe(3);
    expect([...first.entries, ...rest.entries].map((e) => e.question).sort()).toEqual(["one", "three", "two"]);

    const id = first.entries[0].id;
    await expect(updateUpstashCacheAnswer(index, tenantB, id, "hijack", null)).rejects.toMatchObject({ status: 404 });
    const approver = "6f1c2d4e-0000-4000-8000-00000000000a";
    const edited = await updateUpstashCacheAnswer(index, tenantA, id, "Edited", approver);
    expect(edited).toMatchObject({ id, answer: "Edited", source: "human", approvedBy: approver });
    expect(edited.approvedAt).not.toBeNull();
    await deleteUpstashCacheEntry(index, tenantA, id);
    expect(stored(tenantA)).toHaveLength(2);
    await expect(deleteUpstashCacheEntry(index, tenantA, id)).rejects.toMatchObject({ status: 404 });
  });
});
