import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { getEmbedder, hashEmbedder, setEmbedderForTests, type Embedder } from "@/lib/ai/embeddings";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { ingestSource } from "@/lib/rag/ingest";
import { retrieve } from "@/lib/rag/retrieve";
import { getSource } from "@/lib/rag/sources";
import { validateUpload } from "@/lib/rag/upload";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

const utf8 = (text: string) => new TextEncoder().encode(text);

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("ingest");
});

// The mechanics here (batching, progress, versions, retries over documents of 100+ chunks)
// do not depend on what the vectors mean, and the neural default would spend most of
// this file's time embedding; retrieval and agent tests run on the default embedder.
beforeEach(() => setEmbedderForTests(hashEmbedder));
afterEach(() => setEmbedderForTests(undefined));

afterAll(async () => {
  await closePool();
});

async function upload(fileName: string, data: Uint8Array, mimeType: string | null = null) {
  const file = validateUpload({ fileName, mimeType, data });
  return withTenant(tenant.owner, (tx) => addFileSource(tx, { ...file, tenantId: tenant.id, userId: tenant.ownerId }));
}

async function source(id: string) {
  const found = await withTenant(tenant.owner, (tx) => getSource(tx, id));
  if (!found) throw new Error(`no source ${id}`);
  return found;
}

async function chunkRows(sourceId: string) {
  const { rows } = await withService((tx) =>
    tx.query<{ source_version: number; chunk_index: number; content: string; additional_data: Record<string, unknown> }>(
      "select source_version, chunk_index, content, additional_data from public.documents where source_id = $1 order by source_version, chunk_index",
      [sourceId],
    ),
  );
  return rows;
}

const search = (question: string, k = 5) => withTenant(tenant.owner, (tx) => retrieve(tx, question, { k }));

/** A Markdown document long enough for several embedding batches (about 2 chunks per part). */
function longMarkdown(marker: string, parts: number): string {
  const lines = [`# ${marker} handbook`];
  for (let p = 1; p <= parts; p++) {
    lines.push(`## Part ${p}`);
    for (let s = 0; s < 40; s++) {
      lines.push(`The ${marker} rule ${p}.${s} explains how shipment ${p * 100 + s} is packed, labelled and tracked carefully.`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** Wraps the hash embedder; `hook` runs before each batch and may throw. */
function embedderWith(hook: (call: number) => Promise<void> | void): Embedder {
  let calls = 0;
  return { ...hashEmbedder, embed: async (texts) => (await hook(++calls), hashEmbedder.embed(texts)) };
}

describe("ingesting an upload", () => {
  it("stores the source and its job together, then extracts, chunks, embeds and marks it ready", async () => {
    const markdown = "# Returns guide\n\n## Refunds\nRefunds are paid within 5 business days.\n\n## Exchanges\nExchanges are free of charge.";
    const added = await upload("returns.md", utf8(markdown));
    expect(added.queued).toBe(true);
    expect(added.source).toMatchObject({ status: "queued", version: 1, kind: "markdown", fileName: "returns.md", progress: 0 });
    const job = await withTenant(tenant.owner, (tx) =>
      tx.query("select name, status from public.jobs where idempotency_key = $1", [`ingest:${added.source.id}:v1`]),
    );
    expect(job.rows).toEqual([{ name: "rag.ingest-source", status: "queued" }]);

    expect(await runJobsUntilIdle()).toMatchObject({ succeeded: 1, failed: 0 });
    const ready = await source(added.source.id);
    expect(ready).toMatchObject({ status: "ready", title: "Returns guide", error: null, progress: 1, embeddingModel: getEmbedder().modelId });
    expect(ready.chunksDone).toBe(ready.chunksTotal);
    // The job (system identity) records the model of the tenant's vectors on the tenant.
    const recorded = await withService((tx) => tx.query("select embedding_model from public.tenants where id = $1", [tenant.id]));
    expect(recorded.rows[0].embedding_model).toBe(getEmbedder().modelId);

    const rows = await chunkRows(added.source.id);
    expect(rows).toHaveLength(ready.chunksTotal);
    expect(rows[0].additional_data).toEqual({
      source_id: added.source.id,
      title: "Returns guide",
      heading_path: expect.any(Array),
      page: null,
      url: null,
      source_version: 1,
      embedding_model: getEmbedder().modelId,
    });
    const [hit] = await search("how long do refunds take");
    expect(hit).toMatchObject({ sourceId: added.source.id, title: "Returns guide", url: null });
    expect(hit.content).toContain("5 business days");
  });

  it("keeps PDF page numbers for citations", async () => {
    const pdf = buildPdf(
      [["Welcome to the warranty booklet."], ["Batteries are covered for 18 months from delivery."], ["Contact us by phone."]],
      { title: "Warranty booklet" },
    );
    const added = await upload("warranty.pdf", pdf, "application/pdf");
    await runJobsUntilIdle();
    expect(await source(added.source.id)).toMatchObject({ status: "ready", title: "Warranty booklet" });
    const [hit] = await search("how long are batteries covered", 1);
    expect(hit).toMatchObject({ sourceId: added.source.id, page: 2, title: "Warranty booklet" });
  });

  it("records progress batch by batch", async () => {
    const added = await upload("progress.md", utf8(longMarkdown("progress", 60)));
    const seen: number[] = [];
    setEmbedderForTests(
      embedderWith(async () => {
        const { rows } = await withService((tx) =>
          tx.query<{ chunks_done: number; chunks_total: number }>("select chunks_done, chunks_total from public.sources where id = $1", [
            added.source.id,
          ]),
        );
        seen.push(rows[0].chunks_done);
        expect(rows[0].chunks_total).toBeGreaterThan(64);
      }),
    );
    await runJobsUntilIdle();
    const ready = await source(added.source.id);
    expect(seen.slice(0, 3)).toEqual([0, 64, 128]);
    expect(seen).toHaveLength(Math.ceil(ready.chunksTotal / 64));
    expect((await chunkRows(added.source.id)).length).toBe(ready.chunksTotal);
  });
});

describe("new versions", () => {
  it("queues nothing for identical content and replaces the chunks atomically for changed content", async () => {
    const first = await upload("policy.md", utf8("# Policy\n\nThe return window is thirty days for every order."));
    await runJobsUntilIdle();
    const again = await upload("policy.md", utf8("# Policy\n\nThe return window is thirty days for every order."));
    expect(again).toMatchObject({ queued: false, source: { id: first.source.id, version: 1, status: "ready" } });
    expect((await runJobsUntilIdle()).outcomes).toHaveLength(0);

    const changed = await upload("policy.md", utf8(`# Policy\n\nThe return window is sixty days now.\n\n${longMarkdown("sixty", 50)}`));
    expect(changed).toMatchObject({ queued: true, source: { id: first.source.id, version: 2, status: "queued" } });

    // The first attempt stores one batch of version 2, then the embedding provider fails.
    setEmbedderForTests(
      embedderWith((call) => {
        if (call === 2) throw new Error("embedding provider timed out");
      }),
    );
    expect(await runJobsUntilIdle()).toMatchObject({ retrying: 1 });
    setEmbedderForTests(hashEmbedder);
    expect(await source(first.source.id)).toMatchObject({ status: "processing", version: 2 });
    expect((await chunkRows(first.source.id)).filter((r) => r.source_version === 2).length).toBeGreaterThan(0);
    // Readers still see version 1 only, never half of version 2.
    const during = await search("how many days is the return window", 10);
    const ours = during.filter((c) => c.sourceId === first.source.id);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((c) => c.content.includes("thirty"))).toBe(true);

    expect(await runJobsUntilIdle({ ignoreBackoff: true })).toMatchObject({ succeeded: 1 });
    const ready = await source(first.source.id);
    expect(ready).toMatchObject({ status: "ready", version: 2 });
    const rows = await chunkRows(first.source.id);
    expect(rows.every((r) => r.source_version === 2)).toBe(true);
    expect(rows.map((r) => r.chunk_index)).toEqual([...Array(ready.chunksTotal).keys()]); // resumed, none twice
    const after = await search("how many days is the return window", 10);
    expect(after.filter((c) => c.sourceId === first.source.id).some((c) => c.content.includes("sixty days"))).toBe(true);
    expect(after.some((c) => c.content.includes("thirty"))).toBe(false);
  });

  it("never doubles chunks when a version is run again", async () => {
    const added = await upload("twice.md", utf8("# Twice\n\nDuplicate deliveries of one event must not duplicate chunks."));
    await runJobsUntilIdle();
    const before = await chunkRows(added.source.id);
    // A duplicate job of a finished version does nothing.
    expect(await ingestSource({ tenantId: tenant.id, sourceId: added.source.id, version: 1 }, { isFinalAttempt: false })).toEqual({
      status: "skipped",
    });
    // A retry after a crash between publishing and recording the job re-runs: still no doubles.
    await withService((tx) => tx.query("update public.sources set status = 'processing' where id = $1", [added.source.id]));
    const rerun = await ingestSource({ tenantId: tenant.id, sourceId: added.source.id, version: 1 }, { isFinalAttempt: false });
    expect(rerun).toMatchObject({ status: "ready" });
    expect(await chunkRows(added.source.id)).toEqual(before);
  });

  it("marks the source failed with the reason after the last attempt, leaving no chunks of it", async () => {
    const added = await upload("doomed.md", utf8(longMarkdown("doomed", 40)));
    setEmbedderForTests(
      embedderWith((call) => {
        if (call > 1) throw new Error("quota exceeded");
      }),
    );
    const summary = await runJobsUntilIdle({ ignoreBackoff: true });
    expect(summary).toMatchObject({ retrying: 4, failed: 1 });
    expect(await source(added.source.id)).toMatchObject({ status: "failed", error: "Indexing failed: quota exceeded" });
    expect(await chunkRows(added.source.id)).toEqual([]);
  });
});
