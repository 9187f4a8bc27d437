import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { ingestDocument, reembedTenantChunks } from "@/inngest/ingest-document";
import { functions } from "@/inngest/index";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { addFileSource } from "@/lib/rag/add-source";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("inngest");
});

afterAll(async () => {
  // Jobs these tests queued but ran through Inngest must not be picked up by other files.
  await withService((tx) => tx.query("delete from public.jobs where tenant_id = $1", [tenant.id]));
  await closePool();
});

async function queueUpload(fileName: string, data: Uint8Array, kind: "markdown" | "pdf" = "markdown") {
  const { source } = await withTenant(tenant.owner, (tx) =>
    addFileSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, kind, fileName, mimeType: null, data }),
  );
  const { rows } = await withService((tx) =>
    tx.query<{ id: string; idempotency_key: string }>("select id, idempotency_key from public.jobs where payload->>'sourceId' = $1", [source.id]),
  );
  const event = { name: "jobs/rag.ingest-source", data: { jobId: rows[0].id, tenantId: tenant.id, idempotencyKey: rows[0].idempotency_key } };
  return { source, jobId: rows[0].id, event };
}

const state = async (sourceId: string, jobId: string) => {
  const { rows } = await withService((tx) =>
    tx.query<{ status: string; error: string | null; chunks: number; job: string }>(
      `select s.status, s.error, (select count(*)::int from public.documents d where d.source_id = s.id) as chunks,
              (select j.status from public.jobs j where j.id = $2) as job
       from public.sources s where s.id = $1`,
      [sourceId, jobId],
    ),
  );
  return rows[0];
};

describe("ingest-document (Inngest binding)", () => {
  it("is triggered by the job's event, limited per tenant, retried, and idempotent per document version", () => {
    const opts = ingestDocument.opts;
    expect(opts.triggers).toEqual([{ event: "jobs/rag.ingest-source" }]);
    expect(opts.concurrency).toEqual({ key: "event.data.tenantId", limit: 2 });
    expect(opts.retries).toBe(4);
    expect(opts.idempotency).toBe("event.data.tenantId + ':' + event.data.idempotencyKey");
    expect(reembedTenantChunks.opts.concurrency).toEqual({ key: "event.data.tenantId", limit: 1 });
    expect(functions).toEqual(expect.arrayContaining([ingestDocument, reembedTenantChunks]));
    // Every sweep of the local runner is an Inngest cron when deployed.
    const prune = functions.find((f) => f.id() === "sweep-jobs-prune");
    expect(prune?.opts.triggers).toEqual([{ cron: "0 */1 * * *" }]);
  });

  it("runs the shared ingestion logic and records the run on the job row", async () => {
    const { source, jobId, event } = await queueUpload("inngest.md", new TextEncoder().encode("# Inngest\n\nEvents become indexed chunks."));
    const t = new InngestTestEngine({ function: ingestDocument, events: [event] });
    const { result, error } = await t.execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "succeeded" });
    expect(await state(source.id, jobId)).toMatchObject({ status: "ready", chunks: 1, job: "succeeded" });

    // A duplicate delivery of the same event (a fresh run) changes nothing.
    const again = await new InngestTestEngine({ function: ingestDocument, events: [event] }).execute();
    expect(again.result).toEqual({ status: "already-succeeded" });
    expect(await state(source.id, jobId)).toMatchObject({ status: "ready", chunks: 1 });
  });

  it("does not retry a document that can never be indexed, and shows why on the source", async () => {
    const { source, jobId, event } = await queueUpload("locked.pdf", buildPdf([["x"]], { encrypted: true }), "pdf");
    const { error } = await new InngestTestEngine({ function: ingestDocument, events: [event] }).execute();
    expect(error).toMatchObject({ name: "NonRetriableError", message: expect.stringContaining("password-protected") });
    expect(await state(source.id, jobId)).toMatchObject({ status: "failed", chunks: 0, job: "failed" });
  });

  it("waits for a job row that is not committed yet", async () => {
    const event = { name: "jobs/rag.ingest-source", data: { jobId: randomUUID(), tenantId: tenant.id, idempotencyKey: "ingest:none:v1" } };
    const { error } = await new InngestTestEngine({ function: ingestDocument, events: [event] }).execute();
    expect(error).toMatchObject({ name: "RetryAfterError" });
  });
});
