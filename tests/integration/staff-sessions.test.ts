import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as signOutRoute } from "@/app/(auth)/api/auth/sign-out/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { changeOwnPassword } from "@/lib/auth/change-password";
import { signClaims, tokenKey } from "@/lib/auth/jwt";
import { requireStaff } from "@/lib/auth/session";
import { verifyLocalCredentials } from "@/lib/auth/sign-in";
import { issueStaffToken } from "@/lib/auth/staff-session";
import { readConversationToken } from "@/lib/chat/token";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createStaffMember } from "@/lib/tenants/provision";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";

let tenant: TestTenant;
const saved = { ...process.env };

beforeAll(async () => {
  tenant = await createTestTenant("sessions");
});
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});
afterAll(() => closePool());

const bearer = (token: string) => new Request("http://localhost/admin/x", { headers: { authorization: `Bearer ${token}` } });

async function member(password: string) {
  const email = `s-${randomUUID().slice(0, 8)}@sessions.test`;
  await withService((tx) => createStaffMember(tx, { tenantId: tenant.id, email, password, role: "agent" }));
  return { email, claims: await verifyLocalCredentials(email, password) };
}

describe("staff sessions end when they should", () => {
  it("refuses a token at once after sign-out, not 12 hours later", async () => {
    const token = await issueStaffToken(tenant.owner);
    expect((await requireStaff(bearer(token))).userId).toBe(tenant.ownerId);
    const response = await signOutRoute(new Request("http://localhost/api/auth/sign-out", { method: "POST", headers: { authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")).toMatch(/sp_session=;.*Max-Age=0/);
    await expect(requireStaff(bearer(token))).rejects.toMatchObject({ status: 401, message: "Your session has ended; sign in again." });
    // Another session of the same member is not affected.
    const other = await issueStaffToken(tenant.owner);
    expect((await requireStaff(bearer(other))).userId).toBe(tenant.ownerId);
  });

  it("refuses a correctly signed staff token that names no session", async () => {
    await expect(requireStaff(bearer(await signClaims(tenant.owner, "staff")))).rejects.toMatchObject({ status: 401 });
  });

  it("lets a member change the password an admin set; other sessions end, the change is audited", async () => {
    const { email, claims } = await member("admin-chose-this-1");
    const here = await requireStaff(bearer(await issueStaffToken(claims)));
    const elsewhere = await issueStaffToken(claims);

    await expect(changeOwnPassword(here, { currentPassword: "wrong-password-x", newPassword: "my-own-secret-42" }, { ip: "203.0.113.50" })).rejects.toMatchObject({
      status: 403,
      message: "The current password is incorrect.",
    });
    await expect(changeOwnPassword(here, { currentPassword: "admin-chose-this-1", newPassword: "short" }, { ip: "203.0.113.50" })).rejects.toMatchObject({
      status: 422,
    });
    const result = await changeOwnPassword(here, { currentPassword: "admin-chose-this-1", newPassword: "my-own-secret-42" }, { ip: "203.0.113.50" });
    expect(result.sessionsEnded).toBe(1);

    await expect(verifyLocalCredentials(email, "admin-chose-this-1")).rejects.toMatchObject({ status: 401 });
    expect((await verifyLocalCredentials(email, "my-own-secret-42")).sub).toBe(claims.sub);
    await expect(requireStaff(bearer(elsewhere))).rejects.toMatchObject({ status: 401 });
    const stillHere = await requireStaff(bearer(await issueStaffToken(claims)));
    expect(stillHere.userId).toBe(claims.sub);
    const { rows } = await withService((tx) =>
      tx.query("select 1 from public.audit_log where actor_id = $1 and action = 'auth.password_changed'", [claims.sub]),
    );
    expect(rows).toHaveLength(1);
  });
});

describe("widget conversation tokens", () => {
  const oldToken = (conversationId: string, startedDaysAgo: number) =>
    new SignJWT({ role: "anon", app_metadata: { tenant_id: tenant.id, conversation_id: conversationId }, sst: Math.floor(Date.now() / 1000) - startedDaysAgo * 86_400 })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("support-platform")
      .setAudience("widget")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(tokenKey("widget"));

  it("are renewed on return but keep their first issue time", async () => {
    const first = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
    const started = (await readConversationToken(first.token)).sessionStartedAt;
    await new Promise((r) => setTimeout(r, 1100));
    const again = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, token: first.token }))).json();
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.token).not.toBe(first.token);
    expect((await readConversationToken(again.token)).sessionStartedAt).toBe(started);
  });

  it("stop past the absolute lifetime, however often they were renewed", async () => {
    Object.assign(process.env, { WIDGET_SESSION_MAX_DAYS: "90" });
    resetEnvForTests();
    const first = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
    await expect(readConversationToken(await oldToken(first.conversationId, 89))).resolves.toMatchObject({ conversationId: first.conversationId });
    const expired = await oldToken(first.conversationId, 91);
    await expect(readConversationToken(expired)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/session has ended/) });
    const fresh = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, token: expired }));
    expect(fresh.status).toBe(201);
    expect((await fresh.json()).conversationId).not.toBe(first.conversationId);
  });
});
