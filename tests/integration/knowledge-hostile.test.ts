import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOne } from "@/app/(staff)/api/documents/[id]/route";
import { POST } from "@/app/(staff)/api/documents/route";
import { buildPdf } from "@/bench/pdf-writer";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { runOwnJobs } from "@/lib/flows/background-jobs";
import { retrieve } from "@/lib/rag/retrieve";
import type { SourceSummary } from "@/lib/rag/sources";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { routeParams, staffHeaders } from "@/tests/support/http";

const MB = 1024 * 1024;
const BASE = "http://localhost/api/documents";
let tenant: TestTenant;
let bystander: TestTenant;
let headers: Record<string, string>;

beforeAll(async () => {
  tenant = await createTestTenant("hostile");
  bystander = await createTestTenant("hostile-bystander");
  await seedKnowledgeBase(bystander);
  headers = await staffHeaders(tenant.owner);
});

afterAll(async () => {
  await closePool();
});

async function uploadPdf(fileName: string, data: Uint8Array): Promise<SourceSummary> {
  const form = new FormData();
  form.append("file", new File([Buffer.from(data)], fileName, { type: "application/pdf" }));
  const response = await POST(new Request(BASE, { method: "POST", body: form, headers }), routeParams({}));
  expect(response.status).toBe(202);
  return ((await response.json()) as { documents: SourceSummary[] }).documents[0];
}

/** The document as the Control Center's knowledge page loads it. */
async function shown(id: string): Promise<SourceSummary> {
  const response = await getOne(new Request(`${BASE}/${id}`, { headers }), routeParams({ id }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { document: SourceSummary }).document;
}

async function jobOf(sourceId: string) {
  const { rows } = await withService((tx) =>
    tx.query<{ status: string; attempts: number }>("select status, attempts from public.jobs where payload->>'sourceId' = $1", [sourceId]),
  );
  return rows;
}

/**
 * Runs this source's jobs only: jobs other test files left queued in the shared database
 * (slow with a neural embedder) must not run, or be counted, here.
 */
async function runJobsOf(sourceId: string) {
  const { rows } = await withService((tx) => tx.query<{ id: string }>("select id from public.jobs where payload->>'sourceId' = $1", [sourceId]));
  return runOwnJobs(rows.map((r) => r.id));
}

async function chunkCount(sourceId: string): Promise<number> {
  const { rows } = await withService((tx) => tx.query<{ n: number }>("select count(*)::int as n from public.documents where source_id = $1", [sourceId]));
  return rows[0].n;
}

describe("hostile PDFs", () => {
  it("fails a PDF of 50,000 tiny pages for good, with the reason, after one attempt", async () => {
    const added = await uploadPdf("tiny-pages.pdf", buildPdf(Array.from({ length: 50_000 }, () => [] as string[])));
    const summary = await runJobsOf(added.id);
    expect(summary).toMatchObject({ succeeded: 0, retrying: 0, failed: 1 });
    expect(await shown(added.id)).toMatchObject({
      status: "failed",
      error: '"tiny-pages.pdf" has 50,000 pages; the limit is 3,000 pages per file. Split it into smaller files.',
    });
    expect(await jobOf(added.id)).toEqual([{ status: "failed", attempts: 1 }]);
    expect(await chunkCount(added.id)).toBe(0);
    // Nothing is left to retry, at start-up or later.
    const pending = await withService((tx) =>
      tx.query("select 1 from public.jobs where payload->>'sourceId' = $1 and status not in ('failed', 'succeeded')", [added.id]),
    );
    expect(pending.rowCount).toBe(0);
  });

  it("fails a small PDF that inflates to 200 MB without inflating it here, and keeps serving other tenants", async () => {
    const bomb = buildPdf([["Hello"]], { compress: true, padContentBytes: 200 * MB });
    const added = await uploadPdf("bomb.pdf", bomb);
    const rssBefore = process.memoryUsage().rss;
    const ingestion = runJobsOf(added.id);
    // Another tenant's retrieval runs while the file is being read.
    const hits = await withTenant(bystander.owner, (tx) => retrieve(tx, "How do I reset my password?", { k: 3 }));
    expect(hits.length).toBeGreaterThan(0);
    expect(await ingestion).toMatchObject({ failed: 1, retrying: 0 });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
    const document = await shown(added.id);
    expect(document.status).toBe("failed");
    expect(document.error).toMatch(/^"bomb\.pdf" decompresses to more than 100 MB, the limit per file/);
  });

  it("counts an attempt that never reported back: after two interrupted reads the file fails for good", async () => {
    const added = await uploadPdf("interrupted.pdf", buildPdf([["Refunds take five working days."]]));
    // As if the app process had died twice while reading this file.
    await withService((tx) => tx.query("update public.sources set extract_attempts = 2 where id = $1", [added.id]));
    expect(await runJobsOf(added.id)).toMatchObject({ failed: 1, retrying: 0 });
    expect((await shown(added.id)).error).toBe(
      'Reading "interrupted.pdf" was interrupted 2 times (the server stopped while reading it), so it will not be retried. ' +
        "Upload it again to try once more, or split it into smaller files.",
    );
  });

  it("resets the count once a file was read, and for a new upload of a failed file", async () => {
    const pdf = buildPdf([["Parcels are tracked from pickup to delivery."]]);
    const added = await uploadPdf("tracked.pdf", pdf);
    await withService((tx) => tx.query("update public.sources set extract_attempts = 1 where id = $1", [added.id]));
    expect(await runJobsOf(added.id)).toMatchObject({ succeeded: 1 });
    const { rows } = await withService((tx) =>
      tx.query<{ extract_attempts: number; status: string }>("select extract_attempts, status from public.sources where id = $1", [added.id]),
    );
    expect(rows[0]).toEqual({ extract_attempts: 0, status: "ready" });
  });
});
