import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffClaims, type RequestClaims } from "@/lib/db/claims";
import { verifyPassword } from "@/lib/auth/password";
import { closePool } from "@/lib/db/pool";
import { withService, withSignInRole, withTenant } from "@/lib/db/tenant";
import { changeRole, inviteStaff, listStaff, removeStaff } from "@/lib/tenants/staff";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let a: TestTenant;
let b: TestTenant;
let adminA: RequestClaims;
let agentA: RequestClaims;

beforeAll(async () => {
  a = await createTestTenant("staff-a");
  b = await createTestTenant("staff-b");
  adminA = await a.staff("admin");
  agentA = await a.staff("agent");
});

afterAll(async () => {
  await closePool();
});

const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

async function credentialFor(address: string) {
  return withSignInRole(async (tx) => {
    const { rows } = await tx.query<{ user_id: string; tenant_id: string; role: string; password_hash: string }>(
      "select * from app.local_credentials($1)",
      [address],
    );
    return rows[0];
  });
}

/** Claims of an invited member, as sign-in would issue them. */
function claimsOf(tenant: TestTenant, userId: string, role: "owner" | "admin" | "agent"): RequestClaims {
  return staffClaims({ userId, tenantId: tenant.id, role });
}

describe("listStaff", () => {
  it("shows the caller's colleagues only, owners first", async () => {
    const staff = await withTenant(a.owner, (tx) => listStaff(tx));
    expect(staff[0].role).toBe("owner");
    expect(staff.map((m) => m.role).sort()).toEqual(["admin", "agent", "owner"]);
    const other = await withTenant(b.owner, (tx) => listStaff(tx));
    expect(other.map((m) => m.id)).not.toContain(staff[0].id);
    expect(other).toHaveLength(1);
  });
});

describe("inviteStaff", () => {
  it("creates an account that can sign in, bound to the inviter's tenant", async () => {
    const address = email("new-agent");
    const member = await withTenant(a.owner, (tx) =>
      inviteStaff(tx, { email: address.toUpperCase(), password: "a-long-initial-password", role: "agent", displayName: "New" }),
    );
    expect(member).toMatchObject({ email: address, role: "agent", displayName: "New" });
    const credential = await credentialFor(address);
    expect(credential).toMatchObject({ user_id: member.id, tenant_id: a.id, role: "agent" });
    expect(await verifyPassword(credential.password_hash, "a-long-initial-password")).toBe(true);
    expect(await verifyPassword(credential.password_hash, "wrong-password-entirely")).toBe(false);
  });

  it("lets admins invite agents and admins but not owners", async () => {
    const agent = await withTenant(adminA, (tx) => inviteStaff(tx, { email: email("by-admin"), password: "a-long-initial-password", role: "agent" }));
    expect(agent.role).toBe("agent");
    await expect(
      withTenant(adminA, (tx) => inviteStaff(tx, { email: email("owner"), password: "a-long-initial-password", role: "owner" })),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("refuses agents, both in the library and in the database", async () => {
    await expect(
      withTenant(agentA, (tx) => inviteStaff(tx, { email: email("x"), password: "a-long-initial-password", role: "agent" })),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      withTenant(agentA, (tx) => tx.query("select app.create_local_credentials($1, $2)", [email("y"), "$argon2id$v=19$fake"])),
    ).rejects.toThrow(/only owners and admins/);
    await expect(
      withTenant(a.visitor(), (tx) => tx.query("select app.create_local_credentials($1, $2)", [email("z"), "$argon2id$v=19$fake"])),
    ).rejects.toThrow(/permission denied/);
  });

  it("rejects an address that already belongs to a member of any tenant", async () => {
    const address = email("taken");
    await withTenant(b.owner, (tx) => inviteStaff(tx, { email: address, password: "a-long-initial-password", role: "agent" }));
    await expect(
      withTenant(a.owner, (tx) => inviteStaff(tx, { email: address, password: "another-long-password", role: "agent" })),
    ).rejects.toMatchObject({ status: 409 });
    const credential = await credentialFor(address);
    expect(credential.tenant_id).toBe(b.id);
    expect(await verifyPassword(credential.password_hash, "a-long-initial-password")).toBe(true);
  });

  it("validates input with clear messages", async () => {
    await expect(
      withTenant(a.owner, (tx) => inviteStaff(tx, { email: "not-an-email", password: "a-long-initial-password", role: "agent" })),
    ).rejects.toMatchObject({ status: 422, message: "Enter a valid email address" });
    await expect(withTenant(a.owner, (tx) => inviteStaff(tx, { email: email("short"), password: "short", role: "agent" }))).rejects.toMatchObject({
      status: 422,
    });
  });
});

describe("changeRole", () => {
  it("lets an owner promote and demote", async () => {
    const member = await withTenant(a.owner, (tx) => inviteStaff(tx, { email: email("promote"), password: "a-long-initial-password", role: "agent" }));
    expect((await withTenant(a.owner, (tx) => changeRole(tx, member.id, "admin"))).role).toBe("admin");
    expect((await credentialFor(member.email)).role).toBe("admin");
    const audit = await withTenant(a.owner, (tx) =>
      tx.query<{ action: string }>("select action from public.audit_log where target_id = $1 order by id", [member.id]),
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["staff.invite", "staff.role"]);
  });

  it("keeps admins away from the owner role, in the library and under RLS", async () => {
    const member = await withTenant(a.owner, (tx) => inviteStaff(tx, { email: email("climb"), password: "a-long-initial-password", role: "agent" }));
    await expect(withTenant(adminA, (tx) => changeRole(tx, member.id, "owner"))).rejects.toMatchObject({ status: 403 });
    await expect(withTenant(adminA, (tx) => changeRole(tx, a.ownerId, "agent"))).rejects.toMatchObject({ status: 403 });
    // The policy alone (no library checks) refuses the same escalation.
    await expect(
      withTenant(adminA, (tx) => tx.query("update public.users set role = 'owner' where id = auth.uid()")),
    ).rejects.toThrow(/row-level security/);
    const demoted = await withTenant(adminA, (tx) => tx.query("update public.users set role = 'agent' where id = $1", [a.ownerId]));
    expect(demoted.rowCount).toBe(0);
  });

  it("never leaves a tenant without an owner", async () => {
    const solo = await createTestTenant("solo");
    await expect(withTenant(solo.owner, (tx) => changeRole(tx, solo.ownerId, "admin"))).rejects.toMatchObject({ status: 409 });
    await expect(
      withTenant(solo.owner, (tx) => tx.query("update public.users set role = 'admin' where id = $1", [solo.ownerId])),
    ).rejects.toThrow(/at least one owner/);
    const second = await withTenant(solo.owner, (tx) => inviteStaff(tx, { email: email("co"), password: "a-long-initial-password", role: "owner" }));
    expect((await withTenant(solo.owner, (tx) => changeRole(tx, solo.ownerId, "admin"))).role).toBe("admin");
    const secondClaims = claimsOf(solo, second.id, "owner");
    await expect(withTenant(secondClaims, (tx) => changeRole(tx, second.id, "agent"))).rejects.toMatchObject({ status: 409 });
  });

  it("answers 404 for another tenant's member", async () => {
    const [other] = await withTenant(b.owner, (tx) => listStaff(tx));
    await expect(withTenant(a.owner, (tx) => changeRole(tx, other.id, "agent"))).rejects.toMatchObject({ status: 404 });
    await expect(withTenant(a.owner, (tx) => removeStaff(tx, "not-a-uuid"))).rejects.toMatchObject({ status: 404 });
  });
});

describe("removeStaff", () => {
  it("removes access, and the address can be invited again with a new password", async () => {
    const address = email("leaver");
    const member = await withTenant(a.owner, (tx) => inviteStaff(tx, { email: address, password: "first-long-password", role: "agent" }));
    await withTenant(adminA, (tx) => removeStaff(tx, member.id));
    expect(await credentialFor(address)).toBeUndefined();
    expect((await withTenant(a.owner, (tx) => listStaff(tx))).map((m) => m.id)).not.toContain(member.id);

    const back = await withTenant(b.owner, (tx) => inviteStaff(tx, { email: address, password: "second-long-password", role: "admin" }));
    const credential = await credentialFor(address);
    expect(credential).toMatchObject({ user_id: back.id, tenant_id: b.id, role: "admin" });
    expect(await verifyPassword(credential.password_hash, "first-long-password")).toBe(false);
    expect(await verifyPassword(credential.password_hash, "second-long-password")).toBe(true);
  });

  it("refuses agents, admins removing owners, and removing yourself", async () => {
    await expect(withTenant(agentA, (tx) => removeStaff(tx, a.ownerId))).rejects.toMatchObject({ status: 403 });
    await expect(withTenant(adminA, (tx) => removeStaff(tx, a.ownerId))).rejects.toMatchObject({ status: 403 });
    await expect(withTenant(a.owner, (tx) => removeStaff(tx, a.ownerId))).rejects.toMatchObject({ status: 422 });
    const stillOwner = await withTenant(a.owner, (tx) => listStaff(tx));
    expect(stillOwner.find((m) => m.id === a.ownerId)?.role).toBe("owner");
  });

  it("lets an owner remove another owner but not the last one", async () => {
    const duo = await createTestTenant("duo");
    const second = await withTenant(duo.owner, (tx) => inviteStaff(tx, { email: email("second"), password: "a-long-initial-password", role: "owner" }));
    await withTenant(claimsOf(duo, second.id, "owner"), (tx) => removeStaff(tx, duo.ownerId));
    const left = await withTenant(claimsOf(duo, second.id, "owner"), (tx) => listStaff(tx));
    expect(left.map((m) => m.id)).toEqual([second.id]);
    await expect(
      withTenant(claimsOf(duo, second.id, "owner"), (tx) => tx.query("delete from public.users where id = $1", [second.id])),
    ).rejects.toThrow(/at least one owner/);
  });

  it("still lets provisioning delete a whole tenant", async () => {
    const doomed = await createTestTenant("doomed");
    await withService((tx) => tx.query("delete from public.tenants where id = $1", [doomed.id]));
    const { rows } = await withService((tx) => tx.query("select 1 from public.users where tenant_id = $1", [doomed.id]));
    expect(rows).toHaveLength(0);
  });
});
