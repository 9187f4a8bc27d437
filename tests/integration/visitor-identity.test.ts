import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { signUserId } from "@/lib/chat/identity";
import { startWidgetSession } from "@/lib/chat/session";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";

let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("identity");
  other = await createTestTenant("identity-other");
});
afterAll(() => closePool());

const identity = (userId: string, on: TestTenant = tenant) => ({ userId, userHash: signUserId(on.id, userId) });

describe("identity verification", () => {
  it("gives a verified user their conversation on any device", async () => {
    const laptop = await startWidgetSession(tenant.widgetKey, null, identity("user-42"));
    expect(laptop.resumed).toBe(false);
    const phone = await startWidgetSession(tenant.widgetKey, null, identity("user-42"));
    expect(phone).toMatchObject({ resumed: true, conversationId: laptop.conversationId });
    const { rows } = await withService((tx) => tx.query("select external_user_id from public.conversations where id = $1", [laptop.conversationId]));
    expect(rows[0].external_user_id).toBe("user-42");
  });

  it("adopts the anonymous conversation a visitor had before logging in", async () => {
    const anonymous = await startWidgetSession(tenant.widgetKey);
    const loggedIn = await startWidgetSession(tenant.widgetKey, anonymous.token, identity("user-7"));
    expect(loggedIn.conversationId).toBe(anonymous.conversationId);
  });

  it("never opens another user's conversation with its token", async () => {
    const alice = await startWidgetSession(tenant.widgetKey, null, identity("alice"));
    const bob = await startWidgetSession(tenant.widgetKey, alice.token, identity("bob"));
    expect(bob.conversationId).not.toBe(alice.conversationId);
  });

  it("refuses a hash that does not verify, without saying why", async () => {
    const refusals = [
      { userId: "user-42", userHash: signUserId(tenant.id, "user-43") },
      identity("user-42", other), // signed with another tenant's secret
      { userId: "user-42", userHash: "not-hex" },
    ];
    const messages = new Set<string>();
    for (const bad of refusals) {
      const response = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, identity: bad }));
      expect(response.status).toBe(401);
      messages.add((await response.json()).error.message);
    }
    expect([...messages]).toEqual(["The visitor's identity could not be verified."]);
    const ok = await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey, identity: identity("user-99") }));
    expect(ok.status).toBe(201);
  });

  it("does not let a visitor's own role mark a conversation as a user's", async () => {
    const session = await startWidgetSession(tenant.widgetKey);
    const { withTenant } = await import("@/lib/db/tenant");
    await expect(
      withTenant(tenant.visitor(session.conversationId), (tx) =>
        tx.query("update public.conversations set external_user_id = 'victim' where id = $1", [session.conversationId]),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
