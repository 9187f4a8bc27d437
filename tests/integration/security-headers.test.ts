import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { DELETE as deleteDocumentRoute } from "@/app/(staff)/api/documents/[id]/route";
import { POST as documentsRoute } from "@/app/(staff)/api/documents/route";
import { POST as signInRoute } from "@/app/(auth)/api/auth/sign-in/route";
import { issueStaffToken } from "@/lib/auth/staff-session";
import { closePool } from "@/lib/db/pool";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { updateTenantSettings } from "@/lib/tenants/settings";
import { proxy } from "@/proxy";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { routeParams } from "@/tests/support/http";

let tenant: TestTenant;
let cookie: string;
const appOrigin = () => new URL(env().APP_URL).origin;

beforeAll(async () => {
  tenant = await createTestTenant("headers");
  cookie = `sp_session=${await issueStaffToken(tenant.owner)}`;
});
afterAll(() => closePool());

function directive(csp: string | null, name: string): string | undefined {
  return csp?.split(";").map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
}

async function headersOf(path: string, init: { https?: boolean; cookie?: string } = {}) {
  const headers = new Headers();
  if (init.https) headers.set("x-forwarded-proto", "https");
  if (init.cookie) headers.set("cookie", init.cookie);
  return (await proxy(new NextRequest(`http://localhost${path}`, { headers }))).headers;
}

describe("security headers (proxy.ts)", () => {
  it("gives every page a CSP with a fresh nonce, nosniff and a referrer policy", async () => {
    const first = await headersOf("/sign-in");
    const second = await headersOf("/sign-in");
    const script = directive(first.get("content-security-policy"), "script-src");
    expect(script).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'$/);
    expect(script).not.toBe(directive(second.get("content-security-policy"), "script-src"));
    expect(directive(first.get("content-security-policy"), "object-src")).toBe("object-src 'none'");
    expect(first.get("x-content-type-options")).toBe("nosniff");
    expect(first.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.get("strict-transport-security")).toBeNull();
  });

  it("lets nobody frame the Control Center, and sends HSTS over https", async () => {
    const headers = await headersOf("/dashboard", { https: true, cookie });
    expect(directive(headers.get("content-security-policy"), "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  });

  it("lets the chat frame be embedded by any site, or only by the tenant's allowed sites", async () => {
    const open = await headersOf(`/w/${tenant.widgetKey}`);
    expect(directive(open.get("content-security-policy"), "frame-ancestors")).toBe("frame-ancestors *");
    expect(open.get("x-frame-options")).toBeNull();

    await withTenant(tenant.owner, (tx) => updateTenantSettings(tx, { allowedOrigins: ["https://shop.example", "https://www.shop.example"] }));
    const listed = await headersOf(`/w/${tenant.widgetKey}`);
    expect(directive(listed.get("content-security-policy"), "frame-ancestors")).toBe(
      "frame-ancestors 'self' https://shop.example https://www.shop.example",
    );
    const unknown = await headersOf("/w/pk_unknown");
    expect(directive(unknown.get("content-security-policy"), "frame-ancestors")).toBe("frame-ancestors 'none'");
  });

  it("marks API responses nosniff and unframeable", async () => {
    const headers = await headersOf("/chat/session");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("cookie-authenticated writes", () => {
  const cookieRequest = (path: string, init: { method?: string; origin?: string | null; type?: string; body?: string } = {}) => {
    const headers: Record<string, string> = { cookie };
    if (init.origin !== null) headers.origin = init.origin ?? appOrigin();
    if (init.type) headers["content-type"] = init.type;
    return new Request(`http://localhost${path}`, { method: init.method ?? "POST", headers, body: init.body });
  };
  const id = crypto.randomUUID();

  it("refuses another origin, or a missing one, with 403 (without credentials: 401)", async () => {
    const foreign = await resolveRoute(
      cookieRequest(`/admin/tickets/${id}/resolve`, { origin: "https://evil.example", type: "application/json", body: '{"answer":"x"}' }),
      routeParams({ id }),
    );
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.message).toMatch(/Cross-site/);
    const none = await deleteDocumentRoute(cookieRequest(`/api/documents/${id}`, { method: "DELETE", origin: null }), routeParams({ id }));
    expect(none.status).toBe(403);
    const anonymous = await deleteDocumentRoute(new Request(`http://localhost/api/documents/${id}`, { method: "DELETE" }), routeParams({ id }));
    expect(anonymous.status).toBe(401);
  });

  it("requires JSON (or an upload's multipart) from the app's own origin", async () => {
    const form = await resolveRoute(
      cookieRequest(`/admin/tickets/${id}/resolve`, { type: "application/x-www-form-urlencoded", body: "answer=x" }),
      routeParams({ id }),
    );
    expect(form.status).toBe(415);
    const json = await resolveRoute(cookieRequest(`/admin/tickets/${id}/resolve`, { type: "application/json", body: '{"answer":"x"}' }), routeParams({ id }));
    expect(json.status).toBe(404); // through the guard: the ticket does not exist
    const textUpload = await documentsRoute(cookieRequest("/api/documents", { type: "text/plain", body: "x" }), routeParams({}));
    expect(textUpload.status).toBe(415);
    const deleted = await deleteDocumentRoute(cookieRequest(`/api/documents/${id}`, { method: "DELETE" }), routeParams({ id }));
    expect(deleted.status).toBe(404);
    // As a browser's fetch sends it: an empty body stream, no Content-Length, no type.
    const browserDelete = new Request(`http://localhost/api/documents/${id}`, {
      method: "DELETE",
      headers: { cookie, origin: appOrigin() },
      body: new ReadableStream({ start: (c) => c.close() }),
      duplex: "half",
    } as RequestInit);
    browserDelete.headers.delete("content-type");
    expect((await deleteDocumentRoute(browserDelete, routeParams({ id }))).status).toBe(404);
  });

  it("leaves bearer-token callers alone, and refuses a cross-site sign-in (login CSRF)", async () => {
    const bearer = await resolveRoute(
      new Request(`http://localhost/admin/tickets/${id}/resolve`, {
        method: "POST",
        headers: { authorization: `Bearer ${await issueStaffToken(tenant.owner)}`, "content-type": "application/json" },
        body: '{"answer":"x"}',
      }),
      routeParams({ id }),
    );
    expect(bearer.status).toBe(404);
    const csrf = await signInRoute(
      new Request("http://localhost/api/auth/sign-in", {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": "application/json" },
        body: JSON.stringify({ email: "a@b.example", password: "x" }),
      }),
    );
    expect(csrf.status).toBe(403);
  });
});
