import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEmbedder, hashEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { closePool } from "@/lib/db/pool";
import { withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { embeddingInput, insertChunks } from "@/lib/rag/chunk-store";
import { retrieve } from "@/lib/rag/retrieve";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

const QUESTION = "How do I change the billing address on my invoices?";
const DOCUMENT = [
  "# Billing help",
  "## Billing address",
  "Change the billing address on your invoices under Settings, then Billing. New invoices use the new address.",
  "## Payment methods",
  "We accept cards and bank transfers. Invoices are sent by email every month.",
].join("\n\n");

let a: TestTenant;
let b: TestTenant;

async function ingestDocument(tenant: TestTenant): Promise<string> {
  const { source } = await withTenant(tenant.owner, (tx) =>
    addFileSource(tx, {
      tenantId: tenant.id,
      userId: tenant.ownerId,
      kind: "markdown",
      fileName: "billing.md",
      mimeType: null,
      data: new TextEncoder().encode(DOCUMENT),
    }),
  );
  return source.id;
}

let sourceA: string;
let sourceB: string;

// Pinned to the hash embedder. With all-MiniLM-L6-v2 vectors the last case below fails
// today: the 900 near-duplicate chunks of other tenants and the 1,200 near-identical ones
// of the large tenant form tight clusters in the shared HNSW graph, and the iterative scan
// returns 40 of the large tenant's far chunks without reaching its one relevant chunk
// (also with ef_search 100). That is the recall-under-tenant-filter problem of issue 13,
// to be fixed in the index layout, not hidden by this test: see the report of the
// neural-embedder change. The isolation properties tested here do not depend on meaning.
beforeAll(async () => {
  setEmbedderForTests(hashEmbedder);
  a = await createTestTenant("iso-a");
  b = await createTestTenant("iso-b");
  sourceA = await ingestDocument(a);
  sourceB = await ingestDocument(b);
  await runJobsUntilIdle();
});

afterAll(async () => {
  setEmbedderForTests(undefined);
  await closePool();
});

describe("tenant isolation of retrieval", () => {
  it("gives two tenants with identical documents and the identical question only their own chunks", async () => {
    const hitsA = await withTenant(a.owner, (tx) => retrieve(tx, QUESTION, { k: 10 }));
    const hitsB = await withTenant(b.owner, (tx) => retrieve(tx, QUESTION, { k: 10 }));
    expect(hitsA.length).toBeGreaterThan(0);
    expect(hitsA.map((h) => h.content)).toEqual(hitsB.map((h) => h.content)); // the same text...
    expect(hitsA.every((h) => h.sourceId === sourceA)).toBe(true); // ...but each tenant's own rows
    expect(hitsB.every((h) => h.sourceId === sourceB)).toBe(true);
    const idsB = new Set(hitsB.map((h) => h.id));
    expect(hitsA.some((h) => idsB.has(h.id))).toBe(false);
  });

  it("scopes a widget visitor's retrieval to the visitor's tenant too", async () => {
    const hits = await withTenant(a.visitor(), (tx) => retrieve(tx, QUESTION, { k: 10 }));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.sourceId === sourceA)).toBe(true);
    expect(hits[0].content).toContain("billing address");
  });

  it("still finds a large tenant's own chunks when other tenants' nearer chunks fill the shared HNSW index", async () => {
    // A large tenant is searched through the HNSW index. Six other tenants hold 900 chunks
    // that are all nearer to the question than any of A's: a scan that stopped at its
    // first ef_search candidates would find none of A's.
    const embedder = getEmbedder();
    const store = async (tenant: TestTenant, texts: string[]) => {
      const vectors = await embedder.embed(texts.map((text) => embeddingInput("Billing", text)));
      await withTenant(tenant.owner, async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          "insert into public.sources (tenant_id, title, kind, status, embedding_model) values ($1, 'Billing', 'text', 'ready', $2) returning id",
          [tenant.id, embedder.modelId],
        );
        const target = { tenantId: tenant.id, sourceId: rows[0].id, version: 1, title: "Billing", url: null, embeddingModel: embedder.modelId };
        await insertChunks(tx, target, texts.map((content, i) => ({ index: i, content, headingPath: [], page: null, embedding: vectors[i] })));
      });
    };
    for (let t = 0; t < 6; t++) {
      await store(await createTestTenant(`iso-noise-${t}`), Array.from({ length: 150 }, (_, i) => `${QUESTION} Variant ${t}-${i}.`));
    }
    await store(a, Array.from({ length: 1200 }, (_, i) => `Warehouse shelf ${i} stores spare parts for bicycles and scooters.`));

    const hits = await withTenant(a.visitor(), (tx) => retrieve(tx, QUESTION, { k: 5 }));
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.vectorRank !== null)).toBe(true);
    expect(hits[0]).toMatchObject({ sourceId: sourceA });
    expect(hits[0].content).toContain("billing address");
  });
});
