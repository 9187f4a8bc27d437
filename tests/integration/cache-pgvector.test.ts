import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getEmbedder } from "@/lib/ai/embeddings";
import { systemClaims, type RequestClaims } from "@/lib/db/claims";
import {
  cacheSettingsFor,
  normalizeQuestion,
  deleteCacheEntry,
  flushCacheHits,
  invalidateCachedSources,
  listCacheEntries,
  lookupCache,
  lookupCacheAs,
  lookupExactCache,
  recordCacheHit,
  setSemanticCacheForTests,
  updateCacheAnswer,
  writeCache,
  type CacheEntryInput,
  type CacheScope,
} from "@/lib/cache";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant, type Tx } from "@/lib/db/tenant";
import { brokenCache } from "@/tests/support/broken-cache";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

const embedder = getEmbedder();
const threshold = cacheSettingsFor({}, embedder.modelId).similarityThreshold;
let a: TestTenant;
let b: TestTenant;

async function embed(text: string): Promise<number[]> {
  return (await embedder.embed([text]))[0];
}

function inCache<T>(tenant: TestTenant, claims: RequestClaims, fn: (scope: CacheScope) => Promise<T>): Promise<T> {
  return withTenant(claims, (tx: Tx) => fn({ tx, tenantId: tenant.id, embeddingModel: embedder.modelId }));
}

async function entry(question: string, overrides: Partial<CacheEntryInput> = {}): Promise<CacheEntryInput> {
  return {
    question,
    embedding: await embed(question),
    answer: `Answer to: ${question}`,
    source: "ai",
    citations: [],
    sourceIds: [],
    confidence: 0.9,
    ttlDays: 7,
    ...overrides,
  };
}

async function ask(tenant: TestTenant, question: string, claims: RequestClaims = tenant.visitor()) {
  const embedding = await embed(question);
  return inCache(tenant, claims, (scope) => lookupCache(scope, embedding, threshold));
}

async function rowsOf(tenant: TestTenant) {
  return withService(async (tx) => {
    const { rows } = await tx.query<{ question: string; answer: string; source: string; hits: number }>(
      "select question, answer, source, hits from public.cache_entries where tenant_id = $1 order by question",
      [tenant.id],
    );
    return rows;
  });
}

beforeAll(async () => {
  a = await createTestTenant("cache-a");
  b = await createTestTenant("cache-b");
});

afterEach(async () => {
  setSemanticCacheForTests(undefined);
  await withService((tx) => tx.query("delete from public.cache_entries where tenant_id = any($1)", [[a.id, b.id]]));
});

afterAll(async () => {
  await closePool();
});

describe("lookup", () => {
  it("hits a paraphrase above the threshold and misses an unrelated question", async () => {
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry("How do I reset my password?")));

    const hit = await ask(a, "how can I reset my password");
    expect(hit).toMatchObject({ answer: "Answer to: How do I reset my password?", source: "ai" });
    expect(hit!.similarity).toBeGreaterThanOrEqual(threshold);
    expect(hit!.similarity).toBeLessThan(0.999);
    expect(await ask(a, "What are your opening hours on Sunday?")).toBeNull();
  });

  it("misses when the nearest entry is below the threshold", async () => {
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry("How do I reset my password?")));
    const embedding = await embed("how can I reset my password");
    const strict = await inCache(a, a.visitor(), (scope) => lookupCache(scope, embedding, 0.99));
    expect(strict).toBeNull();
  });

  it("ignores expired entries and entries of another embedding model", async () => {
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry("Where is my invoice?")));
    expect(await ask(a, "Where is my invoice?")).not.toBeNull();

    const embedding = await embed("Where is my invoice?");
    const otherModel = await withTenant(a.visitor(), (tx) =>
      lookupCache({ tx, tenantId: a.id, embeddingModel: "openai:text-embedding-3-small" }, embedding, threshold),
    );
    expect(otherModel).toBeNull();

    await withService((tx) =>
      tx.query("update public.cache_entries set expires_at = now() - interval '1 second' where tenant_id = $1", [a.id]),
    );
    expect(await ask(a, "Where is my invoice?")).toBeNull();
  });

  it("never lets tenant B hit tenant A's entry, even for the identical question", async () => {
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry("Can I pay by bank transfer?")));
    expect(await ask(a, "Can I pay by bank transfer?")).not.toBeNull();
    expect(await ask(b, "Can I pay by bank transfer?")).toBeNull();
    expect(await ask(b, "Can I pay by bank transfer?", b.owner)).toBeNull();
    // Even a scope naming A's tenant inside B's transaction finds nothing: RLS decides.
    const embedding = await embed("Can I pay by bank transfer?");
    const forged = await withTenant(b.visitor(), (tx) =>
      lookupCache({ tx, tenantId: a.id, embeddingModel: embedder.modelId }, embedding, threshold),
    );
    expect(forged).toBeNull();
  });

  it("finds the tenant's entry among many other tenants' nearer entries (HNSW iterative scan)", async () => {
    const noisy = await createTestTenant("cache-noise");
    const exact = await embed("How do I cancel my subscription?");
    await withService((tx) =>
      tx.query(
        `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, expires_at)
         select $1, 'q' || g, 'q' || g, $2::vector, $3, 'noise', 'ai', now() + interval '1 day'
           from generate_series(1, 400) g`,
        [noisy.id, `[${exact.join(",")}]`, embedder.modelId],
      ),
    );
    await inCache(a, systemClaims(a.id), async (scope) =>
      writeCache(scope, await entry("How can I cancel my subscription", { answer: "Settings → Billing → Cancel." })),
    );
    const hit = await inCache(a, a.visitor(), (scope) => lookupCache(scope, exact, threshold));
    expect(hit?.answer).toBe("Settings → Billing → Cancel.");
    await withService((tx) => tx.query("delete from public.cache_entries where tenant_id = $1", [noisy.id]));
  });
});

describe("one-round-trip lookup (app.cache_lookup)", () => {
  const request = (tenant: TestTenant, question: string, claims: RequestClaims = tenant.visitor()) => ({
    claims,
    tenantId: tenant.id,
    embeddingModel: embedder.modelId,
    question,
  });

  it("answers a paraphrase and an exact repeat outside any transaction, each tenant its own", async () => {
    await inCache(a, systemClaims(a.id), async (scope) =>
      writeCache(scope, await entry("How do I reset my password?", { source: "human", answer: "A: use the link." })),
    );
    await inCache(b, systemClaims(b.id), async (scope) =>
      writeCache(scope, await entry("How do I reset my password?", { source: "human", answer: "B: call us." })),
    );
    const paraphrase = "how can i reset my password";
    const hitA = await lookupCacheAs(request(a, paraphrase), await embed(paraphrase), threshold);
    expect(hitA).toMatchObject({ answer: "A: use the link.", source: "human" });
    expect(hitA!.similarity).toBeGreaterThanOrEqual(threshold);
    expect(hitA!.similarity).toBeLessThan(1);
    // The exact question needs no embedding; B's visitor gets B's answer, never A's.
    expect(await lookupCacheAs(request(b, "How do I reset my PASSWORD"), null, threshold)).toMatchObject({ answer: "B: call us.", similarity: 1 });
    expect(await lookupCacheAs(request(a, "Is there a student discount?"), null, threshold)).toBeNull();
    const unrelated = "What are your opening hours on weekends?";
    expect(await lookupCacheAs(request(a, unrelated), await embed(unrelated), threshold)).toBeNull();
  });

  it("finds the exact question inside the caller's transaction without an embedding", async () => {
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry("Do you ship abroad?")));
    const hit = await inCache(a, a.visitor(), (scope) => lookupExactCache({ ...scope, question: "do you ship abroad" }, threshold));
    expect(hit).toMatchObject({ answer: "Answer to: Do you ship abroad?", source: "ai", similarity: 1 });
    const none = await inCache(b, b.visitor(), (scope) => lookupExactCache({ ...scope, question: "Do you ship abroad?" }, threshold));
    expect(none).toBeNull();
  });

  it("refuses claims other than the transaction's, and refuses request roles without claims", async () => {
    const question = "Can I pay by invoice?";
    await inCache(a, systemClaims(a.id), async (scope) => writeCache(scope, await entry(question)));
    const forged = JSON.stringify(a.visitor());
    const error = await withTenant(b.visitor(), (tx) =>
      tx.query("select * from app.cache_lookup($1::jsonb, $2, null, $3, 0.5)", [forged, normalizeQuestion(question), embedder.modelId]),
    ).catch((e: Error) => e);
    expect(String(error)).toMatch(/not those of this transaction/);
    const noClaims = await withTenant(b.visitor(), async (tx) => {
      await tx.query("select set_config('request.jwt.claims', '', true)");
      return tx.query("select * from app.cache_lookup($1::jsonb, $2, null, $3, 0.5)", [forged, normalizeQuestion(question), embedder.modelId]);
    }).catch((e: Error) => e);
    expect(String(noClaims)).toMatch(/must already carry its claims/);
    // The visitor's own claims and the function's ones agree: the answer, and only theirs.
    const own = await lookupCacheAs(request(b, question), null, threshold);
    expect(own).toBeNull();
  });
});

describe("human and AI answers", () => {
  it("prefers a human answer over a marginally more similar AI answer", async () => {
    const base = await embed("How do I export my data?");
    // A near-duplicate vector (cosine ≈ 0.99 to base): same meaning, another wording.
    const nearby = base.map((x, i) => (i % 7 === 0 ? x * 0.8 : x));
    await inCache(a, a.owner, async (scope) => {
      await writeCache(scope, await entry("How do I export my data?", { embedding: base }));
      await writeCache(scope, await entry("Exporting data", { embedding: nearby, source: "human", answer: "Human: use Export." }));
    });
    const hit = await inCache(a, a.visitor(), (scope) => lookupCache(scope, base, threshold));
    expect(hit).toMatchObject({ source: "human", answer: "Human: use Export." });
    expect(hit!.similarity).toBeLessThan(1 - 1e-6);
    expect(hit!.similarity).toBeGreaterThan(0.98);
  });

  it("keeps the more similar AI answer when the human one is clearly further away", async () => {
    await inCache(a, a.owner, async (scope) => {
      await writeCache(scope, await entry("How do I reset my password?"));
      // Above the threshold but clearly less similar, with the hash and the MiniLM embedder
      // alike ("how can I reset my password" is a near-tie for MiniLM, where the human wins).
      await writeCache(scope, await entry("How do I reset my password or my username?", { source: "human", answer: "Human answer" }));
    });
    const hit = await ask(a, "How do I reset my password?");
    expect(hit).toMatchObject({ source: "ai", answer: "Answer to: How do I reset my password?" });
  });

  it("an AI write never replaces a human entry; a human write replaces AI and human", async () => {
    await inCache(a, a.owner, async (scope) => writeCache(scope, await entry("Do you ship to Norway?", { answer: "AI v1" })));
    await inCache(a, a.owner, async (scope) =>
      writeCache(scope, await entry("do you ship to norway", { source: "human", answer: "Human v1" })),
    );
    expect(await rowsOf(a)).toMatchObject([{ answer: "Human v1", source: "human" }]);

    const stored = await inCache(a, a.visitor(), async (scope) =>
      writeCache(scope, await entry("Do you ship to Norway??", { answer: "AI v2" })),
    );
    expect(stored).toBe(true);
    expect(await rowsOf(a)).toMatchObject([{ answer: "Human v1", source: "human" }]);

    await inCache(a, a.owner, async (scope) =>
      writeCache(scope, await entry("Do you ship to Norway?", { source: "human", answer: "Human v2" })),
    );
    expect(await rowsOf(a)).toMatchObject([{ question: "Do you ship to Norway?", answer: "Human v2", source: "human" }]);
  });

  it("an AI write refreshes an AI entry for the same question", async () => {
    await inCache(a, a.visitor(), async (scope) => writeCache(scope, await entry("What is the SLA?", { answer: "AI v1" })));
    await inCache(a, a.visitor(), async (scope) => writeCache(scope, await entry("what is the sla", { answer: "AI v2" })));
    expect(await rowsOf(a)).toMatchObject([{ question: "what is the sla", answer: "AI v2", source: "ai" }]);
  });
});

describe("visitors", () => {
  it("write AI entries and count hits on AI and human entries", async () => {
    await inCache(a, a.owner, async (scope) =>
      writeCache(scope, await entry("Is there a student discount?", { source: "human", answer: "Yes, 50%." })),
    );
    await inCache(a, a.visitor(), async (scope) => {
      expect(await writeCache(scope, await entry("Do you have an API?"))).toBe(true);
      for (const question of ["Do you have an API?", "Is there a student discount?"]) {
        const hit = await lookupCache(scope, await embed(question), threshold);
        await recordCacheHit(scope, hit!.id);
      }
    });
    // Hits are counted in memory and written in batches, off the answer's path.
    await flushCacheHits();
    expect(await rowsOf(a)).toMatchObject([
      { question: "Do you have an API?", source: "ai", hits: 1 },
      { question: "Is there a student discount?", source: "human", hits: 1 },
    ]);
  });

  it("cannot write a human answer, and the refusal leaves their transaction usable", async () => {
    const usable = await inCache(a, a.visitor(), async (scope) => {
      expect(await writeCache(scope, await entry("Forged", { source: "human", answer: "forged" }))).toBe(false);
      const { rows } = await scope.tx.query<{ ok: number }>("select 1 as ok");
      return rows[0].ok;
    });
    expect(usable).toBe(1);
    const stored = await inCache(a, a.owner, (scope) =>
      scope.tx.query<{ n: number }>("select count(*)::int as n from public.cache_entries where question = 'Forged'"),
    );
    expect(stored.rows[0].n).toBe(0);
  });
});

describe("invalidation", () => {
  it("drops only the AI entries citing the changed sources, in the caller's tenant", async () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    await inCache(a, a.owner, async (scope) => {
      await writeCache(scope, await entry("AI citing one", { sourceIds: [s1] }));
      await writeCache(scope, await entry("AI citing two", { sourceIds: [s2] }));
      await writeCache(scope, await entry("AI citing both", { sourceIds: [s2, s1] }));
      await writeCache(scope, await entry("Human citing one", { sourceIds: [s1], source: "human" }));
    });
    await inCache(b, b.owner, async (scope) => writeCache(scope, await entry("B citing one", { sourceIds: [s1] })));

    const dropped = await inCache(a, systemClaims(a.id), (scope) => invalidateCachedSources(scope, [s1]));
    expect(dropped).toBe(2);
    expect((await rowsOf(a)).map((r) => r.question)).toEqual(["AI citing two", "Human citing one"]);
    expect(await rowsOf(b)).toHaveLength(1);
  });
});

describe("outage", () => {
  it("treats a failing adapter as a miss and a failed write as not stored", async () => {
    const broken = new Error("connection refused");
    setSemanticCacheForTests(brokenCache(broken));
    await inCache(a, a.visitor(), async (scope) => {
      expect(await lookupCache(scope, await embed("anything"), threshold)).toBeNull();
      expect(await writeCache(scope, await entry("anything"))).toBe(false);
      await expect(recordCacheHit(scope, randomUUID())).resolves.toBeUndefined();
    });
  });

  it("recovers the caller's transaction when a pgvector statement fails", async () => {
    await inCache(a, a.owner, async (scope) => writeCache(scope, await entry("Some question")));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // A 3-dimension query (the cache stores 384 or 1536) makes the statement itself fail.
      const result = await inCache(a, a.visitor(), async (scope) => {
        const miss = await lookupCache(scope, [1, 0, 0], threshold);
        // The transaction is still usable: the cache's own function answers in it.
        const { rows } = await scope.tx.query<{ n: number }>(
          "select count(*)::int as n from app.cache_lookup(null, 'some question', null, $1, 0)",
          [scope.embeddingModel],
        );
        return { miss, n: rows[0].n };
      });
      expect(result).toEqual({ miss: null, n: 1 });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[cache\] lookup failed.*dimensions/));
    } finally {
      warn.mockRestore();
    }
  });
});

describe("staff management", () => {
  it("lists, edits (approving as human) and deletes the tenant's entries only", async () => {
    await inCache(a, a.owner, async (scope) => {
      await writeCache(scope, await entry("First question"));
      await writeCache(scope, await entry("Second question"));
    });
    const page = await withTenant(a.owner, (tx) => listCacheEntries(tx, { limit: 1, offset: 0 }));
    expect(page.total).toBe(2);
    expect(page.entries).toHaveLength(1);
    expect(await withTenant(b.owner, (tx) => listCacheEntries(tx, { limit: 10, offset: 0 }))).toEqual({ entries: [], total: 0 });

    const id = page.entries[0].id;
    await expect(withTenant(b.owner, (tx) => updateCacheAnswer(tx, id, "hijack"))).rejects.toMatchObject({ status: 404 });
    await expect(withTenant(b.owner, (tx) => deleteCacheEntry(tx, id))).rejects.toMatchObject({ status: 404 });
    await expect(withTenant(a.owner, (tx) => updateCacheAnswer(tx, id, "  "))).rejects.toMatchObject({ status: 400 });

    const edited = await withTenant(a.owner, (tx) => updateCacheAnswer(tx, id, "Edited by staff"));
    expect(edited).toMatchObject({ id, answer: "Edited by staff", source: "human" });
    await withTenant(a.owner, (tx) => deleteCacheEntry(tx, id));
    expect((await rowsOf(a)).map((r) => r.answer)).not.toContain("Edited by staff");
    expect(await rowsOf(a)).toHaveLength(1);
    await expect(withTenant(a.owner, (tx) => deleteCacheEntry(tx, "not-a-uuid"))).rejects.toMatchObject({ status: 404 });
  });
});
