import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestClaims } from "@/lib/db/claims";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { beatPresence, waitingSummary } from "@/lib/tickets/presence";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let tenant: TestTenant;
let other: TestTenant;
let ana: RequestClaims;
let ben: RequestClaims;

async function ticket(owner: TestTenant, status = "pending_human"): Promise<{ id: string; number: number }> {
  return withService(async (tx) => {
    const conversationId = randomUUID();
    await tx.query("insert into public.conversations (id, tenant_id) values ($1, $2)", [conversationId, owner.id]);
    const { rows } = await tx.query<{ id: string; number: number }>(
      "insert into public.tickets (tenant_id, conversation_id, thread_id, question, number, status) values ($1, $2, $3, 'q', 0, $4) returning id, number",
      [owner.id, conversationId, randomUUID(), status],
    );
    return rows[0];
  });
}

beforeAll(async () => {
  tenant = await createTestTenant("collab");
  other = await createTestTenant("collab-other");
  ana = await tenant.staff("agent");
  ben = await tenant.staff("admin");
});
afterAll(() => closePool());

describe("who is on a ticket", () => {
  it("shows colleagues viewing and replying, never oneself, and only of the same tenant", async () => {
    const { id } = await ticket(tenant);
    expect(await withTenant(ana, (tx) => beatPresence(tx, id, false))).toEqual([]);
    const seenByBen = await withTenant(ben, (tx) => beatPresence(tx, id, false));
    expect(seenByBen).toEqual([{ name: expect.stringMatching(/^agent-/), replying: false }]);
    await withTenant(ana, (tx) => beatPresence(tx, id, true));
    expect(await withTenant(ben, (tx) => beatPresence(tx, id, false))).toEqual([{ name: expect.stringMatching(/^agent-/), replying: true }]);

    // Another tenant's staff cannot mark themselves on this ticket, nor see who is on it.
    expect(await withTenant(other.owner, (tx) => beatPresence(tx, id, true))).toEqual([]);
    const rows = await withService((tx) => tx.query("select user_id from public.staff_presence where ticket_id = $1", [id]));
    expect(rows.rows.map((r) => r.user_id).sort()).toEqual([ana.sub, ben.sub].sort());
  });

  it("forgets a colleague who left (no beat for 15 seconds)", async () => {
    const { id } = await ticket(tenant);
    await withTenant(ana, (tx) => beatPresence(tx, id, true));
    await withService((tx) => tx.query("update public.staff_presence set seen_at = now() - interval '1 minute' where ticket_id = $1", [id]));
    expect(await withTenant(ben, (tx) => beatPresence(tx, id, false))).toEqual([]);
  });
});

describe("new-ticket signal", () => {
  it("counts the tenant's waiting conversations and names the newest", async () => {
    const fresh = await createTestTenant("collab-count");
    expect(await withTenant(fresh.owner, (tx) => waitingSummary(tx))).toEqual({ waiting: 0, newest: null });
    await ticket(fresh, "resolved");
    await ticket(fresh);
    const newest = await ticket(fresh);
    await ticket(other);
    expect(await withTenant(fresh.owner, (tx) => waitingSummary(tx))).toEqual({ waiting: 2, newest });
  });
});
