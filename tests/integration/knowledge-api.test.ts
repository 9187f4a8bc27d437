import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE, GET as getOne } from "@/app/(staff)/api/documents/[id]/route";
import { GET as list, POST } from "@/app/(staff)/api/documents/route";
import { signClaims } from "@/lib/auth/jwt";
import { issueStaffToken } from "@/lib/auth/staff-session";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import type { SourceSummary } from "@/lib/rag/sources";
import { MAX_FILE_BYTES } from "@/lib/rag/upload";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

const BASE = "http://localhost/api/documents";
let tenant: TestTenant;
let other: TestTenant;
let token: string;

beforeAll(async () => {
  tenant = await createTestTenant("docs-api");
  other = await createTestTenant("docs-api-other");
  token = await issueStaffToken(await tenant.staff("admin"));
});

afterAll(async () => {
  await closePool();
});

const noParams = { params: Promise.resolve({}) };
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
const auth = (bearer = token) => ({ authorization: `Bearer ${bearer}` });

function uploadRequest(files: Array<[string, BlobPart, string?]>, bearer = token): Request {
  const form = new FormData();
  for (const [name, content, type] of files) form.append("file", new File([content], name, { type: type ?? "" }));
  return new Request(BASE, { method: "POST", body: form, headers: auth(bearer) });
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe("POST /api/documents", () => {
  it("stores uploads, queues their ingestion and answers 202 at once with ids and status", async () => {
    const response = await POST(
      uploadRequest([
        ["faq.md", "# FAQ\n\nOrders can be cancelled within one hour.", "text/markdown"],
        ["notes.txt", "Support is available on weekdays from nine to five."],
      ]),
      noParams,
    );
    expect(response.status).toBe(202);
    const { documents } = await json<{ documents: Array<SourceSummary & { queued: boolean }> }>(response);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ id: expect.any(String), status: "queued", queued: true, kind: "markdown", progress: 0 });
    expect(documents[1]).toMatchObject({ kind: "text", fileName: "notes.txt" });

    await runJobsUntilIdle();
    const one = await getOne(new Request(`${BASE}/${documents[0].id}`, { headers: auth() }), idParams(documents[0].id));
    expect(one.status).toBe(200);
    expect((await json<{ document: SourceSummary }>(one)).document).toMatchObject({ status: "ready", progress: 1, title: "FAQ" });

    const listed = await json<{ documents: SourceSummary[] }>(await list(new Request(BASE, { headers: auth() }), noParams));
    expect(listed.documents.map((d) => d.id).sort()).toEqual(documents.map((d) => d.id).sort());

    const audit = await withService((tx) =>
      tx.query("select 1 from public.audit_log where tenant_id = $1 and action = 'source.add'", [tenant.id]),
    );
    expect(audit.rows).toHaveLength(2);
  });

  it("answers 200 and queues nothing when the same file is uploaded again", async () => {
    const response = await POST(uploadRequest([["faq.md", "# FAQ\n\nOrders can be cancelled within one hour."]]), noParams);
    expect(response.status).toBe(200);
    expect((await json<{ documents: Array<{ queued: boolean; status: string }> }>(response)).documents[0]).toMatchObject({
      queued: false,
      status: "ready",
    });
  });

  it("accepts a URL as JSON", async () => {
    const response = await POST(
      new Request(BASE, { method: "POST", body: JSON.stringify({ url: "https://docs.example.com/help" }), headers: { ...auth(), "content-type": "application/json" } }),
      noParams,
    );
    expect(response.status).toBe(202);
    const { documents } = await json<{ documents: SourceSummary[] }>(response);
    expect(documents[0]).toMatchObject({ kind: "url", url: "https://docs.example.com/help", status: "queued" });
    await withService((tx) => tx.query("delete from public.sources where id = $1", [documents[0].id]));
    await withService((tx) => tx.query("delete from public.jobs where payload->>'sourceId' = $1", [documents[0].id]));
  });

  const refusals: Array<[string, () => Request, number, RegExp]> = [
    ["an unsupported type", () => uploadRequest([["contract.docx", "x"]]), 415, /\.docx/],
    ["an empty file", () => uploadRequest([["empty.md", ""]]), 422, /is empty/],
    ["an oversized file", () => uploadRequest([["huge.txt", new Uint8Array(MAX_FILE_BYTES + 1)]]), 413, /20 MB/],
    ["a request without files", () => new Request(BASE, { method: "POST", body: new FormData(), headers: auth() }), 422, /at least one file/],
    ["a body that is neither multipart nor JSON", () => new Request(BASE, { method: "POST", body: "hello", headers: { ...auth(), "content-type": "text/plain" } }), 415, /multipart/],
    ["a URL that is not http(s)", () => new Request(BASE, { method: "POST", body: JSON.stringify({ url: "file:///etc/passwd" }), headers: { ...auth(), "content-type": "application/json" } }), 422, /http and https/],
    ["a URL on a private network", () => new Request(BASE, { method: "POST", body: JSON.stringify({ url: "http://169.254.169.254/latest/meta-data" }), headers: { ...auth(), "content-type": "application/json" } }), 422, /private or local/],
  ];
  for (const [label, request, status, message] of refusals) {
    it(`refuses ${label} with ${status} and stores nothing`, async () => {
      const before = await withService((tx) => tx.query("select 1 from public.sources where tenant_id = $1", [tenant.id]));
      const response = await POST(request(), noParams);
      expect(response.status).toBe(status);
      expect((await json<{ error: { message: string } }>(response)).error.message).toMatch(message);
      const after = await withService((tx) => tx.query("select 1 from public.sources where tenant_id = $1", [tenant.id]));
      expect(after.rows.length).toBe(before.rows.length);
    });
  }

  it("refuses callers who are not signed-in staff", async () => {
    expect((await POST(uploadRequest([["a.md", "# A"]], "not-a-token"), noParams)).status).toBe(401);
    const widgetToken = await signClaims(tenant.visitor(), "widget");
    expect((await list(new Request(BASE, { headers: auth(widgetToken) }), noParams)).status).toBe(401);
  });
});

describe("/api/documents/[id]", () => {
  it("deletes a document with its chunks, and is 404 afterwards", async () => {
    const created = await POST(uploadRequest([["temporary.md", "# Temporary\n\nThis will be deleted."]]), noParams);
    const [doc] = (await json<{ documents: SourceSummary[] }>(created)).documents;
    await runJobsUntilIdle();
    const removed = await DELETE(new Request(`${BASE}/${doc.id}`, { method: "DELETE", headers: auth() }), idParams(doc.id));
    expect(removed.status).toBe(200);
    expect(await json(removed)).toEqual({ deleted: { id: doc.id, title: "Temporary" } });
    const chunks = await withService((tx) => tx.query("select 1 from public.documents where source_id = $1", [doc.id]));
    expect(chunks.rows).toHaveLength(0);
    expect((await getOne(new Request(`${BASE}/${doc.id}`, { headers: auth() }), idParams(doc.id))).status).toBe(404);
    expect((await DELETE(new Request(`${BASE}/${doc.id}`, { method: "DELETE", headers: auth() }), idParams(doc.id))).status).toBe(404);
  });

  it("is 404 for another tenant's document and for a malformed id", async () => {
    const otherToken = await issueStaffToken(other.owner);
    const created = await POST(uploadRequest([["private.md", "# Private\n\nOnly for the first tenant."]]), noParams);
    const [doc] = (await json<{ documents: SourceSummary[] }>(created)).documents;
    expect((await getOne(new Request(`${BASE}/${doc.id}`, { headers: auth(otherToken) }), idParams(doc.id))).status).toBe(404);
    expect((await DELETE(new Request(`${BASE}/${doc.id}`, { method: "DELETE", headers: auth(otherToken) }), idParams(doc.id))).status).toBe(404);
    expect((await getOne(new Request(`${BASE}/nope`, { headers: auth() }), idParams("nope"))).status).toBe(404);
    const still = await withService((tx) => tx.query("select 1 from public.sources where id = $1", [doc.id]));
    expect(still.rows).toHaveLength(1);
    await runJobsUntilIdle();
  });
});
