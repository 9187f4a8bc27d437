import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffClaims } from "@/lib/db/claims";
import { signClaims, tokenKey, verifyClaims } from "@/lib/auth/jwt";
import { verifyLocalCredentials } from "@/lib/auth/sign-in";
import { requireStaff } from "@/lib/auth/session";
import { withStaff } from "@/lib/routes/with-staff";
import { issueStaffToken } from "@/lib/auth/staff-session";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { createStaffMember } from "@/lib/tenants/provision";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  a = await createTestTenant("auth-a");
  b = await createTestTenant("auth-b");
});
afterAll(() => closePool());

function requestWith(token?: string): Request {
  return new Request("http://localhost/admin/anything", {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function statusOf(token: string | undefined, roles?: ("owner" | "admin" | "agent")[]) {
  const handler = withStaff(async (_request, { staff }) => Response.json({ tenant: staff.tenantId, role: staff.role }), {
    roles,
  });
  const response = await handler(requestWith(token), { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

describe("staff authentication", () => {
  it("accepts a valid token and answers with the member's own tenant", async () => {
    const { status, body } = await statusOf(await issueStaffToken(a.owner));
    expect(status).toBe(200);
    expect(body).toEqual({ tenant: a.id, role: "owner" });
  });

  it("rejects a missing token with 401 and a reason", async () => {
    const { status, body } = await statusOf(undefined);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/sign in/i);
  });

  it("rejects a forged token (wrong key)", async () => {
    const forged = await new SignJWT({ role: "authenticated", app_metadata: a.owner.app_metadata })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(a.owner.sub!)
      .setIssuer("support-platform")
      .setAudience("staff")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("x".repeat(48)));
    const { status } = await statusOf(forged);
    expect(status).toBe(401);
  });

  it("rejects an expired token saying so", async () => {
    const expired = await new SignJWT({ role: "authenticated", app_metadata: a.owner.app_metadata })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(a.owner.sub!)
      .setIssuer("support-platform")
      .setAudience("staff")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(tokenKey("staff"));
    const { status, body } = await statusOf(expired);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/expired/i);
  });

  it("rejects a widget token used as a staff token", async () => {
    const widget = await signClaims(a.visitor(), "widget");
    expect((await statusOf(widget)).status).toBe(401);
  });

  it("signs staff and widget tokens with separate keys: the widget key cannot mint a staff session", async () => {
    expect(Buffer.from(tokenKey("staff")).equals(Buffer.from(tokenKey("widget")))).toBe(false);
    // Everything a staff token needs, audience included, signed with the visitors' key.
    const minted = await new SignJWT({ role: "authenticated", app_metadata: a.owner.app_metadata })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(a.owner.sub!)
      .setIssuer("support-platform")
      .setAudience("staff")
      .setExpirationTime("1h")
      .sign(tokenKey("widget"));
    expect((await statusOf(minted)).status).toBe(401);
    // Nor does the raw secret (the key before per-audience keys) sign anything valid.
    const raw = await new SignJWT({ role: "authenticated", app_metadata: a.owner.app_metadata })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(a.owner.sub!)
      .setIssuer("support-platform")
      .setAudience("staff")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env().AUTH_JWT_SECRET));
    expect((await statusOf(raw)).status).toBe(401);
    const staffAsWidget = await new SignJWT({ role: "anon", app_metadata: { tenant_id: a.id, conversation_id: a.visitor().app_metadata.conversation_id } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("support-platform")
      .setAudience("widget")
      .setExpirationTime("1h")
      .sign(tokenKey("staff"));
    await expect(verifyClaims(staffAsWidget, "widget")).rejects.toMatchObject({ status: 401 });
  });

  it("rejects a token claiming another tenant than the member's own", async () => {
    const wrongTenant = staffClaims({ userId: a.ownerId, tenantId: b.id, role: "owner" });
    const { status } = await statusOf(await issueStaffToken(wrongTenant));
    expect(status).toBe(401);
  });

  it("re-checks membership: a removed member's still-valid token is refused", async () => {
    const agent = await a.staff("agent");
    const token = await issueStaffToken(agent);
    expect((await statusOf(token)).status).toBe(200);
    await withService((tx) => tx.query("delete from public.users where id = $1", [agent.sub]));
    const { status, body } = await statusOf(token);
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/no longer a member/i);
  });

  it("uses the database's role, not the token's, and answers 403 for a missing role", async () => {
    const agent = await a.staff("agent");
    const inflated = { ...agent, app_metadata: { ...agent.app_metadata, staff_role: "owner" as const } };
    const { status, body } = await statusOf(await issueStaffToken(inflated), ["owner", "admin"]);
    expect(status).toBe(403);
    expect(body.error.message).toMatch(/agent/);
    const session = await requireStaff(requestWith(await issueStaffToken(inflated)));
    expect(session.role).toBe("agent");
    expect(session.claims.app_metadata.staff_role).toBe("agent");
  });
});

describe("self-hosted sign-in", () => {
  it("verifies the argon2id hash and issues claims for the member's tenant", async () => {
    const email = `signin-${Date.now()}@auth.test`;
    await withService((tx) => createStaffMember(tx, { tenantId: a.id, email, password: "correct horse battery", role: "admin" }));
    const claims = await verifyLocalCredentials(email.toUpperCase(), "correct horse battery");
    expect(claims.app_metadata).toMatchObject({ tenant_id: a.id, staff_role: "admin" });
    const stored = await withService((tx) => tx.query<{ encrypted_password: string }>("select encrypted_password from auth.users where email = $1", [email]));
    expect(stored.rows[0].encrypted_password).toMatch(/^\$argon2id\$/);
    const roundTrip = await verifyClaims(await signClaims(claims, "staff"), "staff");
    expect(roundTrip.sub).toBe(claims.sub);
  });

  it("gives the same answer for a wrong password and an unknown address", async () => {
    const wrong = verifyLocalCredentials(`nobody-${Date.now()}@auth.test`, "whatever");
    await expect(wrong).rejects.toMatchObject({ status: 401, message: "The email or password is incorrect." });
    const email = `signin2-${Date.now()}@auth.test`;
    await withService((tx) => createStaffMember(tx, { tenantId: a.id, email, password: "right password", role: "agent" }));
    await expect(verifyLocalCredentials(email, "wrong password")).rejects.toMatchObject({
      status: 401,
      message: "The email or password is incorrect.",
    });
  });
});
