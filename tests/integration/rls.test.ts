import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestClaims } from "@/lib/db/claims";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant, type Tx } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

/**
 * The isolation matrix. Tables are enumerated from the catalog, so a new table without
 * RLS, without policies or without a row builder here fails the suite.
 */

interface Parents {
  tenantId: string;
  conversationId: string;
  ticketId: string;
  sourceId: string;
  /** Assistant messages to rate (one rating per message: each builder call takes one). */
  aiMessageIds: string[];
}

const zeroVector = `[${new Array(1536).fill(0).map((_, i) => (i === 0 ? 1 : 0)).join(",")}]`;

/** One valid row per tenant-scoped table (parents already exist for that tenant). */
const rowBuilders: Record<string, (p: Parents) => Record<string, unknown>> = {
  tenants: () => ({ name: "Intruder", slug: `intruder-${randomUUID().slice(0, 8)}` }),
  users: (p) => ({ id: randomUUID(), tenant_id: p.tenantId, email: `${randomUUID()}@x.test`, role: "agent" }),
  audit_log: (p) => ({ tenant_id: p.tenantId, action: "test.action" }),
  conversations: (p) => ({ tenant_id: p.tenantId }),
  ticket_counters: (p) => ({ tenant_id: p.tenantId, last_number: 0 }),
  tickets: (p) => ({
    tenant_id: p.tenantId,
    conversation_id: p.conversationId,
    thread_id: randomUUID(),
    question: "q",
    number: 0,
    // The parent ticket is the conversation's one open ticket.
    status: "resolved",
  }),
  messages: (p) => ({ tenant_id: p.tenantId, conversation_id: p.conversationId, sender_type: "user", content: "hi" }),
  sources: (p) => ({ tenant_id: p.tenantId, title: "Doc", kind: "text" }),
  source_files: (p) => ({ source_id: p.sourceId, tenant_id: p.tenantId, version: 1, data: Buffer.from("x") }),
  documents: (p) => ({ tenant_id: p.tenantId, source_id: p.sourceId, content: "chunk", embedding: zeroVector }),
  jobs: (p) => ({ tenant_id: p.tenantId, name: "test", idempotency_key: randomUUID() }),
  cache_entries: (p) => ({
    tenant_id: p.tenantId,
    question: "q",
    question_key: randomUUID(),
    embedding: zeroVector,
    embedding_model: "test",
    answer: "a",
    source: "ai",
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
  }),
  message_ratings: (p) => ({ message_id: p.aiMessageIds.shift(), tenant_id: p.tenantId, conversation_id: p.conversationId, rating: "helpful" }),
  staff_presence: (p) => ({ tenant_id: p.tenantId, ticket_id: p.ticketId, user_id: randomUUID() }),
  email_outbox: (p) => ({
    tenant_id: p.tenantId,
    idempotency_key: randomUUID(),
    to_address: "someone@example.com",
    template: "test",
  }),
};

async function insertRow(tx: Tx, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  const placeholders = columns.map((_, i) => `$${i + 1}`);
  await tx.query(
    `insert into public.${table} (${columns.join(", ")}) values (${placeholders.join(", ")})`,
    Object.values(row),
  );
}

async function seedParents(tenant: TestTenant): Promise<Parents> {
  return withService(async (tx) => {
    const conversationId = randomUUID();
    await tx.query("insert into public.conversations (id, tenant_id) values ($1, $2)", [conversationId, tenant.id]);
    const ticket = await tx.query<{ id: string }>(
      "insert into public.tickets (tenant_id, conversation_id, thread_id, question, number) values ($1, $2, $3, 'q', 0) returning id",
      [tenant.id, conversationId, randomUUID()],
    );
    const source = await tx.query<{ id: string }>(
      "insert into public.sources (tenant_id, title, kind) values ($1, 'Doc', 'text') returning id",
      [tenant.id],
    );
    const messages = await tx.query<{ id: string }>(
      `insert into public.messages (tenant_id, conversation_id, sender_type, content)
       select $1, $2, 'ai', 'answer ' || n from generate_series(1, 5) n returning id`,
      [tenant.id, conversationId],
    );
    return {
      tenantId: tenant.id,
      conversationId,
      ticketId: ticket.rows[0].id,
      sourceId: source.rows[0].id,
      aiMessageIds: messages.rows.map((m) => m.id),
    };
  });
}

async function tenantScopedTables(): Promise<string[]> {
  const { rows } = await withService((tx) =>
    tx.query<{ relname: string }>(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    ),
  );
  return rows.map((r) => r.relname);
}

/** Runs a statement as the given claims; returns affected/visible row count or the error. */
async function attempt(claims: RequestClaims, sql: string, params: unknown[] = []): Promise<number | Error> {
  try {
    return await withTenant(claims, async (tx) => {
      const result = await tx.query(sql, params);
      return (result as unknown as { rowCount: number | null }).rowCount ?? result.rows.length;
    });
  } catch (error) {
    return error as Error;
  }
}

function keyColumn(table: string): string {
  return table === "tenants" ? "id" : "tenant_id";
}

let a: TestTenant;
let b: TestTenant;
let parentsA: Parents;
let parentsB: Parents;
let tables: string[];

beforeAll(async () => {
  a = await createTestTenant("rls-a");
  b = await createTestTenant("rls-b");
  parentsA = await seedParents(a);
  parentsB = await seedParents(b);
  tables = await tenantScopedTables();
  // Give every table at least one row of each tenant.
  await withService(async (tx) => {
    for (const table of tables) {
      const build = rowBuilders[table];
      // tenants and ticket_counters (filled by the ticket trigger) already have rows.
      if (!build || table === "tenants" || table === "ticket_counters") continue;
      for (const parents of [parentsA, parentsB]) {
        await insertRow(tx, table, build(parents));
      }
    }
  });
});

afterAll(async () => {
  await closePool();
});

describe("catalog", () => {
  it("has a row builder for every table, so none escapes the matrix", () => {
    expect(tables.length).toBeGreaterThanOrEqual(13);
    expect(tables.filter((t) => !rowBuilders[t])).toEqual([]);
  });

  it("enables and forces RLS on every table in public", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `select c.relname, c.relrowsecurity, c.relforcerowsecurity
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')`,
      ),
    );
    const unprotected = rows.filter((r) => !r.relrowsecurity || !r.relforcerowsecurity).map((r) => r.relname);
    expect(unprotected).toEqual([]);
  });

  it("has a policy for every operation on every table", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ tablename: string; cmd: string }>(
        "select tablename, cmd from pg_policies where schemaname = 'public'",
      ),
    );
    const missing: string[] = [];
    for (const table of tables) {
      const cmds = new Set(rows.filter((r) => r.tablename === table).map((r) => r.cmd));
      for (const op of ["SELECT", "INSERT", "UPDATE", "DELETE"]) {
        if (!cmds.has(op) && !cmds.has("ALL")) missing.push(`${table}:${op}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("carries tenant_id with an index led by it on every tenant-scoped table", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ table_name: string; lead: string }>(
        `select t.relname as table_name, a.attname as lead
         from pg_index i
         join pg_class t on t.oid = i.indrelid
         join pg_namespace n on n.oid = t.relnamespace
         join pg_attribute a on a.attrelid = t.oid and a.attnum = i.indkey[0]
         where n.nspname = 'public'`,
      ),
    );
    const missing = tables.filter(
      (table) => !rows.some((r) => r.table_name === table && r.lead === keyColumn(table)),
    );
    expect(missing).toEqual([]);
  });

  it("has no view that could bypass RLS (views must be security_invoker)", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ relname: string; options: string[] | null }>(
        `select c.relname, c.reloptions as options from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'app') and c.relkind in ('v', 'm')`,
      ),
    );
    const unsafe = rows.filter((r) => !(r.options ?? []).includes("security_invoker=true")).map((r) => r.relname);
    expect(unsafe).toEqual([]);
  });

  it("has only reviewed SECURITY DEFINER functions reachable by request roles", async () => {
    const reviewed = [
      "app.assign_ticket_number",
      "app.begin_sign_in",
      "app.cache_lookup",
      "app.cache_write_ai",
      "app.close_live_stream",
      "app.consume_rate_limits",
      "app.create_local_credentials",
      // Not executable by request roles: run by the tenant-insert trigger only.
      "app.ensure_cache_partition",
      "app.tenant_cache_partition",
      "app.finish_sign_in",
      "app.local_credentials",
      "app.open_live_stream",
      "app.record_cache_hit",
      "app.apply_message_rating",
      "app.record_cache_hits",
      "app.renew_live_stream",
      "app.revoke_staff_sessions",
      "app.set_own_password",
      "app.staff_session_active",
      "app.start_staff_session",
      "app.tenant_by_widget_key",
      "public.custom_access_token_hook",
    ];
    const { rows } = await withService((tx) =>
      tx.query<{ name: string }>(
        `select n.nspname || '.' || p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and n.nspname in ('public', 'app', 'auth')`,
      ),
    );
    expect(rows.map((r) => r.name).filter((name) => !reviewed.includes(name))).toEqual([]);
  });

  it("lets each request role execute exactly the functions it needs", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ role: string; name: string }>(
        `select r.rolname as role, n.nspname || '.' || p.proname as name
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           cross join pg_roles r
          where n.nspname in ('public', 'app', 'auth')
            and r.rolname in ('anon', 'authenticated', 'app_worker', 'app_auth')
            and has_function_privilege(r.oid, p.oid, 'EXECUTE')
            -- pgvector's operators and functions are public by design
            and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
          order by 1, 2`,
      ),
    );
    const granted = (role: string) => rows.filter((r) => r.role === role).map((r) => r.name);
    expect(granted("app_auth")).toEqual(expect.arrayContaining(["app.begin_sign_in", "app.finish_sign_in", "app.local_credentials"]));
    for (const role of ["anon", "authenticated", "app_worker"]) {
      // Password hashes and the sign-in throttle belong to the sign-in role alone.
      expect(granted(role), role).not.toContain("app.local_credentials");
      expect(granted(role), role).not.toContain("app.begin_sign_in");
      expect(granted(role), role).not.toContain("app.finish_sign_in");
    }
    expect(EXECUTABLE.anon).toEqual(granted("anon"));
    expect(EXECUTABLE.authenticated).toEqual(granted("authenticated"));
    expect(EXECUTABLE.app_worker).toEqual(granted("app_worker"));
    expect(EXECUTABLE.app_auth).toEqual(granted("app_auth"));
  });

  it("refuses the visitor role the credential lookup when it tries", async () => {
    const result = await attempt(a.visitor(parentsA.conversationId), "select * from app.local_credentials($1)", ["x@y.z"]);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/permission denied/);
  });

  it("keeps the checkpoint schema unreadable by request roles", async () => {
    for (const claims of [a.owner, a.visitor()]) {
      const result = await attempt(claims, "select count(*) from pg_namespace where has_schema_privilege(oid, 'USAGE') and nspname = 'langgraph'");
      expect(result).toBe(1);
      const visible = await withTenant(claims, (tx) =>
        tx.query<{ n: string }>("select count(*) as n from pg_namespace where nspname = 'langgraph' and has_schema_privilege(oid, 'USAGE')"),
      );
      expect(Number(visible.rows[0].n)).toBe(0);
    }
  });
});

describe("tenant A acting on tenant B's rows", () => {
  it("sees none of B's rows in any table", async () => {
    for (const table of tables) {
      const result = await attempt(a.owner, `select 1 from public.${table} where ${keyColumn(table)} = $1`, [b.id]);
      if (result instanceof Error) {
        expect(result.message, table).toMatch(/permission denied|row-level security/);
      } else {
        expect(result, table).toBe(0);
      }
    }
  });

  it("sees its own rows (the matrix is not vacuous)", async () => {
    const readable = ["tenants", "users", "audit_log", "conversations", "tickets", "messages", "sources", "source_files", "documents", "jobs", "cache_entries", "email_outbox", "message_ratings", "staff_presence"];
    for (const table of readable) {
      const result = await attempt(a.owner, `select 1 from public.${table} where ${keyColumn(table)} = $1`, [a.id]);
      expect(result, table).toBeGreaterThan(0);
    }
  });

  it("cannot update or delete B's rows", async () => {
    for (const table of tables) {
      const column = keyColumn(table);
      const update = await attempt(a.owner, `update public.${table} set ${column} = ${column} where ${column} = $1`, [b.id]);
      if (update instanceof Error) expect(update.message, table).toMatch(/permission denied|row-level security/);
      else expect(update, `${table} update`).toBe(0);
      const del = await attempt(a.owner, `delete from public.${table} where ${column} = $1`, [b.id]);
      if (del instanceof Error) expect(del.message, table).toMatch(/permission denied|row-level security/);
      else expect(del, `${table} delete`).toBe(0);
    }
    const stillThere = await withService((tx) => tx.query("select 1 from public.tickets where tenant_id = $1", [b.id]));
    expect(stillThere.rows.length).toBeGreaterThan(0);
  });

  it("cannot insert a row carrying B's tenant_id into any table", async () => {
    for (const table of tables) {
      const row = rowBuilders[table]({ ...parentsB });
      const result = await attempt(a.owner, insertSql(table, row), Object.values(row));
      expect(result, table).toBeInstanceOf(Error);
      expect((result as Error).message, table).toMatch(/permission denied|row-level security|violates/);
    }
  });

  it("cannot move its own row to tenant B", async () => {
    for (const table of tables) {
      if (table === "tenants") continue;
      const result = await attempt(a.owner, `update public.${table} set tenant_id = $1 where tenant_id = $2`, [b.id, a.id]);
      if (result instanceof Error) expect(result.message, table).toMatch(/permission denied|row-level security|violates/);
      else expect(result, table).toBe(0);
    }
  });
});

describe("visitors (anon widget tokens)", () => {
  it("see nothing without claims and nothing of another conversation", async () => {
    const stranger = a.visitor();
    for (const table of ["conversations", "tickets", "messages"]) {
      const result = await attempt(stranger, `select 1 from public.${table}`);
      expect(result, table).toBe(0);
    }
    const own = a.visitor(parentsA.conversationId);
    expect(await attempt(own, "select 1 from public.messages")).toBeGreaterThan(0);
    expect(await attempt(own, "select 1 from public.tickets")).toBeGreaterThan(0);
  });

  it("cannot read staff-only tables", async () => {
    const visitor = a.visitor(parentsA.conversationId);
    for (const table of ["users", "audit_log", "sources", "source_files", "jobs", "email_outbox", "ticket_counters", "staff_presence"]) {
      const result = await attempt(visitor, `select 1 from public.${table}`);
      if (result instanceof Error) expect(result.message, table).toMatch(/permission denied/);
      else expect(result, table).toBe(0);
    }
  });

  it("reach the cache only through its two functions: no direct read or write of the table", async () => {
    const visitor = a.visitor(parentsA.conversationId);
    for (const sql of [
      "select 1 from public.cache_entries",
      "update public.cache_entries set answer = 'rewritten' where source = 'ai'",
      "delete from public.cache_entries",
    ]) {
      const result = await attempt(visitor, sql);
      expect(result, sql).toBeInstanceOf(Error);
      expect((result as Error).message, sql).toMatch(/permission denied/);
    }
    const row = { ...rowBuilders.cache_entries(parentsA), source: "ai" };
    expect(await attempt(visitor, insertSql("cache_entries", row), Object.values(row))).toBeInstanceOf(Error);
  });

  it("store an AI answer through app.cache_write_ai for their own tenant, never over a human one", async () => {
    const visitor = a.visitor(parentsA.conversationId);
    const write = (key: string, answer: string) =>
      withTenant(visitor, (tx) =>
        tx.query<{ stored: boolean }>(
          "select app.cache_write_ai($1, $2, $3::vector, 'test-model', $4, '[]'::jsonb, '{}'::uuid[], 0.9, 1) as stored",
          [key, key, zeroVector, answer],
        ),
      );
    const key = `visitor-write-${randomUUID()}`;
    expect((await write(key, "first")).rows[0].stored).toBe(true);
    expect((await write(key, "second")).rows[0].stored).toBe(true);
    await withService((tx) => tx.query("update public.cache_entries set source = 'human' where question_key = $1", [key]));
    expect((await write(key, "over the human")).rows[0].stored).toBe(false);
    const { rows } = await withService((tx) =>
      tx.query<{ tenant_id: string; answer: string; n: number }>(
        "select tenant_id, answer, count(*) over ()::int as n from public.cache_entries where question_key = $1",
        [key],
      ),
    );
    expect(rows).toEqual([{ tenant_id: a.id, answer: "second", n: 1 }]);
  });

  it("cannot write a human answer into the cache or resolve a ticket", async () => {
    const visitor = a.visitor(parentsA.conversationId);
    const row = { ...rowBuilders.cache_entries(parentsA), source: "human" };
    expect(await attempt(visitor, insertSql("cache_entries", row), Object.values(row))).toBeInstanceOf(Error);
    expect(await attempt(visitor, "update public.tickets set status = 'resolved'")).toBeInstanceOf(Error);
  });
});

describe("transaction scope", () => {
  it("leaves nothing behind on the pooled connection", async () => {
    await withTenant(a.owner, (tx) => tx.query("select 1"));
    const leaked = await withService((tx) =>
      tx.query<{ claims: string | null; tenant: string | null }>(
        "select current_setting('request.jwt.claims', true) as claims, current_setting('app.current_tenant', true) as tenant",
      ),
    );
    expect(leaked.rows[0].claims ?? "").toBe("");
    expect(leaked.rows[0].tenant ?? "").toBe("");
  });

  it("rolls back completely when a statement fails", async () => {
    const conversationId = randomUUID();
    await expect(
      withTenant(a.owner, async (tx) => {
        await tx.query("insert into public.conversations (id, tenant_id) values ($1, $2)", [conversationId, a.id]);
        await tx.query("select 1/0");
      }),
    ).rejects.toThrow(/division by zero/);
    const found = await withTenant(a.owner, (tx) => tx.query("select 1 from public.conversations where id = $1", [conversationId]));
    expect(found.rows).toHaveLength(0);
  });

  it("keeps concurrent transactions of different tenants apart", async () => {
    const runs = Array.from({ length: 20 }, (_, i) => {
      const tenant = i % 2 === 0 ? a : b;
      return withTenant(tenant.owner, async (tx) => {
        const { rows } = await tx.query<{ tenant_id: string }>("select distinct tenant_id from public.conversations");
        await tx.query("select pg_sleep(0.01)");
        const again = await tx.query<{ current: string }>("select app.current_tenant_id()::text as current");
        return { expected: tenant.id, seen: rows.map((r) => r.tenant_id), current: again.rows[0].current };
      });
    });
    for (const result of await Promise.all(runs)) {
      expect(result.seen).toEqual([result.expected]);
      expect(result.current).toBe(result.expected);
    }
  });

  it("rejects claims that are not a request role", async () => {
    const forged = { ...a.owner, role: "service_role" } as unknown as RequestClaims;
    await expect(withTenant(forged, (tx) => tx.query("select 1"))).rejects.toThrow();
  });
});

function insertSql(table: string, row: Record<string, unknown>): string {
  const columns = Object.keys(row);
  return `insert into public.${table} (${columns.join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})`;
}

/**
 * Every function each database role may execute (schemas public, app, auth; extension
 * functions aside). A new grant, or a function left executable by PUBLIC, fails here
 * until someone has looked at it and added it.
 */
const POLICY_HELPERS = ["app.can_manage_knowledge", "app.conversation_id", "app.current_tenant_id", "app.is_tenant_admin", "app.staff_role"];
const CLAIMS = ["auth.jwt", "auth.role", "auth.uid"];
// app.cache_lookup is executable by PUBLIC (it takes the verified claims as an argument
// and reads as cache_reader under its own policy), hence in every role's list.
const EXECUTABLE: Record<string, string[]> = {
  anon: [
    ...POLICY_HELPERS,
    "app.cache_lookup",
    "app.cache_write_ai",
    "app.close_live_stream",
    "app.consume_rate_limits",
    "app.open_live_stream",
    "app.record_cache_hit",
    "app.record_cache_hits",
    "app.renew_live_stream",
    "app.tenant_by_widget_key",
    ...CLAIMS,
  ].sort(),
  authenticated: [
    ...POLICY_HELPERS,
    "app.cache_lookup",
    "app.cache_write_ai",
    "app.consume_rate_limits",
    "app.create_local_credentials",
    "app.record_cache_hit",
    "app.record_cache_hits",
    "app.revoke_staff_sessions",
    "app.set_own_password",
    "app.staff_session_active",
    ...CLAIMS,
  ].sort(),
  app_worker: [...POLICY_HELPERS, "app.cache_lookup", ...CLAIMS].sort(),
  app_auth: [
    ...POLICY_HELPERS,
    "app.begin_sign_in",
    "app.cache_lookup",
    "app.finish_sign_in",
    "app.local_credentials",
    "app.start_staff_session",
    ...CLAIMS,
  ].sort(),
};
