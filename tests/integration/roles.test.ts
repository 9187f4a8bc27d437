import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteDocument } from "@/app/(staff)/api/documents/[id]/route";
import { POST as addDocument } from "@/app/(staff)/api/documents/route";
import type { RequestClaims } from "@/lib/db/claims";
import { deleteCacheEntry, updateCacheAnswer } from "@/lib/cache";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { updateTenantSettings } from "@/lib/tenants/settings";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { routeParams, staffHeaders } from "@/tests/support/http";

/**
 * The role matrix for knowledge and the answer cache, enforced by RLS: owners and admins
 * manage them, agents only read (unless the tenant allows them), whatever the UI shows.
 */

const vector = `[${new Array(1536).fill(0).map((_, i) => (i === 0 ? 1 : 0)).join(",")}]`;

let tenant: TestTenant;
let admin: RequestClaims;
let agent: RequestClaims;
let ticketId: string;

beforeAll(async () => {
  tenant = await createTestTenant("roles");
  admin = await tenant.staff("admin");
  agent = await tenant.staff("agent");
  ticketId = await withService(async (tx) => {
    const conversationId = randomUUID();
    await tx.query("insert into public.conversations (id, tenant_id) values ($1, $2)", [conversationId, tenant.id]);
    const { rows } = await tx.query<{ id: string }>(
      "insert into public.tickets (tenant_id, conversation_id, thread_id, question, number) values ($1, $2, $3, 'q', 0) returning id",
      [tenant.id, conversationId, randomUUID()],
    );
    return rows[0].id;
  });
});
afterAll(() => closePool());

async function cacheEntry(source: "ai" | "human" = "ai"): Promise<string> {
  const { rows } = await withService((tx) =>
    tx.query<{ id: string }>(
      `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, expires_at)
       values ($1, 'q', $2, $3::vector, 'test', 'a', $4, now() + interval '1 day') returning id`,
      [tenant.id, randomUUID(), vector, source],
    ),
  );
  return rows[0].id;
}

async function source(): Promise<string> {
  const { rows } = await withService((tx) =>
    tx.query<{ id: string }>("insert into public.sources (tenant_id, title, kind) values ($1, 'Doc', 'text') returning id", [tenant.id]),
  );
  return rows[0].id;
}

/** Rows the statement touched, or the error's message. */
async function attempt(claims: RequestClaims, sql: string, params: unknown[]): Promise<number | string> {
  try {
    return await withTenant(claims, async (tx) => (await tx.query(sql, params)).rowCount ?? 0);
  } catch (error) {
    return (error as Error).message;
  }
}

const writes = (id: () => Promise<string>) => ({
  cacheUpdate: async (c: RequestClaims) => attempt(c, "update public.cache_entries set answer = 'changed' where id = $1", [await id()]),
  cacheDelete: async (c: RequestClaims) => attempt(c, "delete from public.cache_entries where id = $1", [await id()]),
});

const knowledge = {
  sourceInsert: (c: RequestClaims) => attempt(c, "insert into public.sources (tenant_id, title, kind) values ($1, 'New', 'text')", [tenant.id]),
  sourceDelete: async (c: RequestClaims) => attempt(c, "delete from public.sources where id = $1", [await source()]),
  documentInsert: async (c: RequestClaims) =>
    attempt(c, "insert into public.documents (tenant_id, source_id, content) values ($1, $2, 'x')", [tenant.id, await source()]),
};

describe("role matrix: knowledge and cache management", () => {
  it("lets owners and admins manage, and refuses agents, in the database", async () => {
    const cache = writes(() => cacheEntry());
    for (const claims of [tenant.owner, admin]) {
      expect(await cache.cacheUpdate(claims)).toBe(1);
      expect(await cache.cacheDelete(claims)).toBe(1);
      expect(await knowledge.sourceInsert(claims)).toBe(1);
      expect(await knowledge.sourceDelete(claims)).toBe(1);
      expect(await knowledge.documentInsert(claims)).toBe(1);
    }
    expect(await cache.cacheUpdate(agent)).toBe(0);
    expect(await cache.cacheDelete(agent)).toBe(0);
    expect(await knowledge.sourceInsert(agent)).toMatch(/row-level security/);
    expect(await knowledge.sourceDelete(agent)).toBe(0);
    expect(await knowledge.documentInsert(agent)).toMatch(/row-level security/);
    // Agents still read both.
    expect(await attempt(agent, "select 1 from public.cache_entries", [])).toBeGreaterThan(0);
    expect(await attempt(agent, "select 1 from public.sources", [])).toBeGreaterThan(0);
  });

  it("lets an agent add only an entry they approve for a ticket, never an anonymous or AI one", async () => {
    const insert = (extra: { source: string; ticket: string | null; approvedBy: string | null }) =>
      attempt(
        agent,
        `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, ticket_id,
           approved_by, expires_at) values ($1, 'q', $2, $3::vector, 'test', 'a', $4, $5, $6, now() + interval '1 day')`,
        [tenant.id, randomUUID(), vector, extra.source, extra.ticket, extra.approvedBy],
      );
    expect(await insert({ source: "human", ticket: ticketId, approvedBy: agent.sub })).toBe(1);
    expect(await insert({ source: "human", ticket: ticketId, approvedBy: admin.sub })).toMatch(/row-level security/);
    expect(await insert({ source: "human", ticket: null, approvedBy: agent.sub })).toMatch(/row-level security/);
    expect(await insert({ source: "ai", ticket: ticketId, approvedBy: agent.sub })).toMatch(/row-level security/);
  });

  it("follows the tenant setting that lets agents manage", async () => {
    await withTenant(tenant.owner, (tx) => updateTenantSettings(tx, { agentsManageKnowledge: true }));
    try {
      const cache = writes(() => cacheEntry("human"));
      expect(await cache.cacheUpdate(agent)).toBe(1);
      expect(await knowledge.sourceInsert(agent)).toBe(1);
    } finally {
      await withTenant(tenant.owner, (tx) => updateTenantSettings(tx, { agentsManageKnowledge: false }));
    }
    expect(await writes(() => cacheEntry()).cacheUpdate(agent)).toBe(0);
  });
});

describe("cache edits through the app", () => {
  it("refuse agents with 403, audit every edit and delete, and record the approver", async () => {
    const id = await cacheEntry();
    await expect(withTenant(agent, (tx) => updateCacheAnswer(tx, id, "Agent edit"))).rejects.toMatchObject({ status: 403 });
    await expect(withTenant(agent, (tx) => deleteCacheEntry(tx, id))).rejects.toMatchObject({ status: 403 });

    const edited = await withTenant(admin, (tx) => updateCacheAnswer(tx, id, "Reviewed answer"));
    expect(edited).toMatchObject({ answer: "Reviewed answer", source: "human" });
    expect(edited.approvedBy).toMatch(/^admin-/);
    expect(edited.approvedAt).not.toBeNull();
    await expect(withTenant(admin, (tx) => updateCacheAnswer(tx, id, "Call me on +44 20 7946 0958"))).rejects.toMatchObject({ status: 422 });
    await withTenant(admin, (tx) => deleteCacheEntry(tx, id));

    const { rows } = await withService((tx) =>
      tx.query<{ action: string; actor_id: string; details: Record<string, unknown> }>(
        "select action, actor_id, details from public.audit_log where target_id = $1 order by id",
        [id],
      ),
    );
    expect(rows.map((r) => r.action)).toEqual(["cache.updated", "cache.deleted"]);
    expect(rows.every((r) => r.actor_id === admin.sub)).toBe(true);
    expect(rows[0].details).toMatchObject({ before: "a", after: "Reviewed answer" });
  });

  it("refuse knowledge uploads and deletes by agents through the API with 403", async () => {
    const form = new FormData();
    form.append("file", new File(["# Doc\nText"], "doc.md", { type: "text/markdown" }));
    const upload = await addDocument(
      new Request("http://localhost/api/documents", { method: "POST", headers: await staffHeaders(agent), body: form }),
      routeParams({}),
    );
    expect(upload.status).toBe(403);
    expect((await upload.json()).error.message).toContain("Only owners and admins");
    const id = await source();
    const removal = await deleteDocument(
      new Request(`http://localhost/api/documents/${id}`, { method: "DELETE", headers: await staffHeaders(agent) }),
      routeParams({ id }),
    );
    expect(removal.status).toBe(403);
    expect(await attempt(tenant.owner, "select 1 from public.sources where id = $1", [id])).toBe(1);
  });
});
