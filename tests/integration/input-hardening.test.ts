import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/(staff)/admin/tickets/[id]/resolve/route";
import { POST as documentsRoute } from "@/app/(staff)/api/documents/route";
import { POST as signInRoute } from "@/app/(auth)/api/auth/sign-in/route";
import { POST as emailRoute } from "@/app/(widget)/chat/email/route";
import { POST as sessionRoute } from "@/app/(widget)/chat/session/route";
import { POST as streamRoute } from "@/app/(widget)/chat/stream/route";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { updateTenantSettings } from "@/lib/tenants/settings";
import { inviteStaff } from "@/lib/tenants/staff";
import { findTenantByWidgetKey } from "@/lib/tenants/public";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams, staffHeaders } from "@/tests/support/http";
import { serveRoute } from "@/tests/support/route-server";

let tenant: TestTenant;
let session: { token: string; conversationId: string };

beforeAll(async () => {
  tenant = await createTestTenant("input");
  session = await (await sessionRoute(jsonRequest("/chat/session", { widgetKey: tenant.widgetKey }))).json();
});
afterAll(() => closePool());

/**
 * Streams a chunked body (no Content-Length) of up to `total` bytes, 16 KB at a time,
 * and stops writing as soon as the server answers. Returns the status and how many
 * bytes had been sent by then.
 */
function sendChunked(url: string, total: number): Promise<{ status: number; sent: number; body: string }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, sent, body });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(16 * 1024, "a");
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    req.write('{"message":"');
    pump();
  });
}

describe("request bodies are counted while they are read", () => {
  it("answers 413 to a chunked body as soon as it passes the limit, not after reading it all", async () => {
    for (const [route, name] of [[streamRoute, "chat/stream"], [sessionRoute, "chat/session"]] as const) {
      const server = await serveRoute(route);
      try {
        const result = await sendChunked(`${server.url}/${name}`, 64 * 1024 * 1024);
        expect(result.status, name).toBe(413);
        expect(JSON.parse(result.body).error.message).toMatch(/larger than/);
        // The server stopped reading near the limit (64 KB), far from the 64 MB on offer.
        expect(result.sent, name).toBeLessThan(8 * 1024 * 1024);
      } finally {
        await server.close();
      }
    }
  });

  it("still accepts a chunked body within the limit", async () => {
    const server = await serveRoute(sessionRoute);
    try {
      const response = await fetch(`${server.url}/chat/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new Blob([JSON.stringify({ widgetKey: tenant.widgetKey })]).stream(),
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(201);
    } finally {
      await server.close();
    }
  });
});

describe("control characters in text answer 422, never 500", () => {
  const NUL = "\u0000";

  async function expect422(response: Response) {
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toMatch(/control characters/);
  }

  it("in a chat message, a widget key, an e-mail address and a sign-in", async () => {
    await expect422(await streamRoute(jsonRequest("/chat/stream", { token: session.token, message: `hello${NUL}world` })));
    await expect422(await streamRoute(jsonRequest("/chat/stream", { token: session.token, message: "bell\u0007" })));
    await expect422(
      await streamRoute(
        jsonRequest("/chat/stream", { token: session.token, messages: [{ role: "user", parts: [{ type: "text", text: `a${NUL}` }] }] }),
      ),
    );
    await expect422(await sessionRoute(jsonRequest("/chat/session", { widgetKey: `pk_${NUL}` })));
    await expect422(await emailRoute(jsonRequest("/chat/email", { token: session.token, email: `a${NUL}@example.com` })));
    await expect422(await signInRoute(jsonRequest("/api/auth/sign-in", { email: "a@example.com", password: `pw${NUL}` })));
    // Nothing was stored for the refused question.
    const { rows } = await withService((tx) =>
      tx.query("select 1 from public.messages where conversation_id = $1", [session.conversationId]),
    );
    expect(rows).toHaveLength(0);
  });

  it("keeps tabs and new lines, which are text", async () => {
    const response = await emailRoute(jsonRequest("/chat/email", { token: session.token, email: "visitor@example.com" }));
    expect(response.status).toBe(200);
    const resolve = await resolveRoute(
      jsonRequest(`/admin/tickets/${crypto.randomUUID()}/resolve`, { answer: "line one\n\tline two" }, await staffHeaders(tenant.owner)),
      routeParams({ id: crypto.randomUUID() }),
    );
    expect(resolve.status).toBe(404); // validated, then not found: the text itself passed
  });

  it("in staff input: an answer, a URL source, settings and an invitation", async () => {
    const staff = await staffHeaders(tenant.owner);
    const id = crypto.randomUUID();
    await expect422(await resolveRoute(jsonRequest(`/admin/tickets/${id}/resolve`, { answer: `ok${NUL}` }, staff), routeParams({ id })));
    await expect422(await documentsRoute(jsonRequest("/api/documents", { url: `https://example.com/${NUL}` }, staff), routeParams({})));
    await expect(withTenant(tenant.owner, (tx) => updateTenantSettings(tx, { name: `Acme${NUL}` }))).rejects.toMatchObject({ status: 422 });
    const form = new FormData();
    form.append("file", new File(["hello"], `notes${NUL}.txt`, { type: "text/plain" }));
    await expect422(
      await documentsRoute(new Request("http://localhost/api/documents", { method: "POST", headers: staff, body: form }), routeParams({})),
    );
    await expect(
      withTenant(tenant.owner, (tx) => inviteStaff(tx, { email: "new@example.com", password: "long enough password", role: "agent", displayName: `N${NUL}` })),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("a widget key with a NUL names no tenant", async () => {
    expect(await findTenantByWidgetKey(`${tenant.widgetKey}${NUL}`)).toBeNull();
  });
});
