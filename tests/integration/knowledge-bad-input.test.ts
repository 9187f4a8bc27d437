import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPdf } from "@/bench/pdf-writer";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource, addUrlSource } from "@/lib/rag/add-source";
import { retrieve } from "@/lib/rag/retrieve";
import { getSource } from "@/lib/rag/sources";
import { MAX_FILE_BYTES, validateUpload } from "@/lib/rag/upload";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

/**
 * The bad-input list of the knowledge-base issue: each gives a clear error (in the
 * response where the check is synchronous, on the source otherwise), leaves no chunks
 * of the bad document, and does not disturb the tenant's other documents.
 */

const utf8 = (text: string) => new TextEncoder().encode(text);
let tenant: TestTenant;
let goodSourceId: string;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  tenant = await createTestTenant("bad-input");
  const good = await store("good.md", utf8("# Opening hours\n\nThe shop opens at nine in the morning."));
  goodSourceId = good.id;
  await runJobsUntilIdle();
  server = http.createServer((req, res) => {
    if (req.url === "/missing") return res.writeHead(404).end("not here");
    if (req.url === "/image") return res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    res.writeHead(500).end("broken");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
  resetEnvForTests();
});

afterAll(async () => {
  delete process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS;
  resetEnvForTests();
  server.close();
  await closePool();
});

/** Stores a file as the upload route does, without the route's checks (to reach the job). */
async function store(fileName: string, data: Uint8Array) {
  const kind = fileName.endsWith(".pdf") ? "pdf" : "markdown";
  const added = await withTenant(tenant.owner, (tx) =>
    addFileSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, kind, fileName, mimeType: null, data }),
  );
  return added.source;
}

async function sourceState(id: string) {
  const source = await withTenant(tenant.owner, (tx) => getSource(tx, id));
  const chunks = await withService((tx) => tx.query("select 1 from public.documents where source_id = $1", [id]));
  const jobs = await withService((tx) => tx.query<{ status: string; attempts: number }>("select status, attempts from public.jobs where payload->>'sourceId' = $1", [id]));
  return { status: source?.status, error: source?.error, chunks: chunks.rows.length, jobs: jobs.rows };
}

async function expectOthersUnaffected() {
  expect((await sourceState(goodSourceId)).status).toBe("ready");
  const hits = await withTenant(tenant.owner, (tx) => retrieve(tx, "when does the shop open", { k: 3 }));
  expect(hits[0]?.sourceId).toBe(goodSourceId);
}

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("refused when uploaded (synchronous)", () => {
  it("an unsupported type: 415 naming what is accepted", () => {
    const error = rejection(() => validateUpload({ fileName: "contract.docx", mimeType: "application/msword", data: utf8("x") }));
    expect(error).toMatchObject({ status: 415 });
    expect(error.message).toMatch(/\.docx.*PDF, Markdown, HTML or plain-text/);
  });

  it("an empty file: 422", () => {
    expect(rejection(() => validateUpload({ fileName: "empty.md", mimeType: null, data: new Uint8Array() }))).toMatchObject({
      status: 422,
      message: '"empty.md" is empty.',
    });
  });

  it("an oversized file: 413", () => {
    const error = rejection(() => validateUpload({ fileName: "huge.txt", mimeType: null, data: new Uint8Array(MAX_FILE_BYTES + 1) }));
    expect(error).toMatchObject({ status: 413 });
    expect(error.message).toContain("20 MB");
  });

  it("a .pdf that is not a PDF at all, and a binary file named .txt", () => {
    expect(rejection(() => validateUpload({ fileName: "fake.pdf", mimeType: null, data: utf8("<html></html>") }))).toMatchObject({
      status: 422,
      message: '"fake.pdf" is not a valid PDF file.',
    });
    expect(rejection(() => validateUpload({ fileName: "blob.txt", mimeType: null, data: Uint8Array.from([0x50, 0, 0x4b, 3]) }))).toMatchObject({
      status: 415,
    });
  });
});

describe("failed on the source (found by the ingestion job)", () => {
  const cases: Array<[string, string, () => Uint8Array, RegExp]> = [
    ["a corrupt PDF", "broken.pdf", () => buildPdf([["Some text"]]).slice(0, 120), /could not be read as a PDF/],
    ["an encrypted PDF", "secret.pdf", () => buildPdf([["Top secret"]], { encrypted: true }), /password-protected/],
    ["a PDF with no extractable text", "scan.pdf", () => buildPdf([[], []]), /no selectable text/],
    ["a file with no readable text", "blank.md", () => utf8("   \n\n\t\n"), /contains no readable text/],
  ];

  for (const [label, fileName, data, reason] of cases) {
    it(`${label}: failed at once with the reason, no chunks`, async () => {
      const source = await store(fileName, data());
      await runJobsUntilIdle();
      const state = await sourceState(source.id);
      expect(state).toMatchObject({ status: "failed", chunks: 0, jobs: [{ status: "failed", attempts: 1 }] });
      expect(state.error).toMatch(reason);
      await expectOthersUnaffected();
    });
  }
});

describe("a URL that cannot be fetched", () => {
  it("a 404 fails the source at once, saying so", async () => {
    const { source } = await withTenant(tenant.owner, (tx) =>
      addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url: `${baseUrl}/missing` }),
    );
    await runJobsUntilIdle();
    const state = await sourceState(source.id);
    expect(state).toMatchObject({ status: "failed", chunks: 0, jobs: [{ status: "failed", attempts: 1 }] });
    expect(state.error).toBe(`Could not fetch ${baseUrl}/missing: the server answered HTTP 404.`);
    await expectOthersUnaffected();
  });

  it("a server error is retried, then fails the source with the reason", async () => {
    const { source } = await withTenant(tenant.owner, (tx) =>
      addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url: `${baseUrl}/flaky` }),
    );
    await runJobsUntilIdle({ ignoreBackoff: true });
    const state = await sourceState(source.id);
    expect(state).toMatchObject({ status: "failed", chunks: 0, jobs: [{ status: "failed", attempts: 5 }] });
    expect(state.error).toBe(`Indexing failed: Could not fetch ${baseUrl}/flaky: the server answered HTTP 500.`);
  });

  it("content that is not a document type fails with the reason", async () => {
    const { source } = await withTenant(tenant.owner, (tx) =>
      addUrlSource(tx, { tenantId: tenant.id, userId: tenant.ownerId, url: `${baseUrl}/image` }),
    );
    await runJobsUntilIdle();
    expect((await sourceState(source.id)).error).toMatch(/image\/png can't be added/);
    await expectOthersUnaffected();
  });
});
