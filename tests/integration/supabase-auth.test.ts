import { randomUUID } from "node:crypto";
import { createServerClient } from "@supabase/ssr";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listDocumentsRoute } from "@/app/(staff)/api/documents/route";
import { POST as signInRoute } from "@/app/(auth)/api/auth/sign-in/route";
import { requireStaff } from "@/lib/auth/session";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { createStaffMember } from "@/lib/tenants/provision";
import { proxy } from "@/proxy";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest, routeParams } from "@/tests/support/http";
import { startGoTrueStandIn } from "@/tests/support/gotrue-standin";

/**
 * Supabase Auth mode at its HTTP boundary: the real @supabase/supabase-js and
 * @supabase/ssr clients against a local GoTrue stand-in (token, refresh, JWKS), with the
 * migrations' Custom Access Token Hook putting tenant and role into the claims that RLS reads.
 */
const ANON_KEY = "anon-key-for-tests";
const saved = { ...process.env };
let standIn: Awaited<ReturnType<typeof startGoTrueStandIn>>;
let a: TestTenant;
let b: TestTenant;
const member = { email: `sb-${randomUUID().slice(0, 8)}@supabase.test`, password: "supabase-member-pass" };
const stranger = { email: `sb-none-${randomUUID().slice(0, 8)}@supabase.test`, password: "no-membership-pass" };

beforeAll(async () => {
  a = await createTestTenant("sb-a");
  b = await createTestTenant("sb-b");
  await withService((tx) => createStaffMember(tx, { tenantId: a.id, email: member.email, password: member.password, role: "admin" }));
  // An auth user with no membership (signed up, never invited).
  const { userId } = await withService((tx) => createStaffMember(tx, { tenantId: b.id, email: stranger.email, password: stranger.password, role: "agent" }));
  await withService((tx) => tx.query("delete from public.users where id = $1", [userId]));
  await withService(async (tx) => {
    await tx.query("insert into public.sources (tenant_id, title, kind) values ($1, 'A handbook', 'text'), ($2, 'B secrets', 'text')", [a.id, b.id]);
  });
  // Tokens live 20 s: inside the client's refresh margin, so a cookie session refreshes.
  standIn = await startGoTrueStandIn({ anonKey: ANON_KEY, accessTokenSeconds: 20 });
  Object.assign(process.env, { AUTH_MODE: "supabase", NEXT_PUBLIC_SUPABASE_URL: standIn.url, NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON_KEY });
  resetEnvForTests();
});

afterAll(async () => {
  process.env = saved;
  resetEnvForTests();
  await standIn?.close();
  await closePool();
});

const signIn = (email: string, password: string) => signInRoute(jsonRequest("/api/auth/sign-in", { email, password }, { "x-forwarded-for": `198.18.0.${Math.floor(Math.random() * 250)}` }));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("Supabase Auth mode", () => {
  it("signs in through GoTrue's password grant; the hook's claims carry tenant and role", async () => {
    const response = await signIn(member.email, member.password);
    expect(response.status).toBe(200);
    const { token, refreshToken } = await response.json();
    expect(refreshToken).toEqual(expect.any(String));
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256" });
    expect(decodeJwt(token).app_metadata).toMatchObject({ tenant_id: a.id, staff_role: "admin", provider: "email" });
    expect(standIn.grants).toContain("password");
  });

  it("verifies bearer tokens with getClaims against the published keys, and RLS scopes by the hook's tenant", async () => {
    const { token } = await (await signIn(member.email, member.password)).json();
    const staff = await requireStaff(new Request("http://localhost/x", { headers: bearer(token) }));
    expect(staff).toMatchObject({ tenantId: a.id, role: "admin", email: member.email, sessionId: null });
    // Verified locally with the project's published key, not by asking the server per request.
    expect(standIn.paths).toContain("/auth/v1/.well-known/jwks.json");
    expect(standIn.paths).not.toContain("/auth/v1/user");
    const listed = await listDocumentsRoute(new Request("http://localhost/api/documents", { headers: bearer(token) }), routeParams({}));
    expect(listed.status).toBe(200);
    const titles = (await listed.json()).documents.map((d: { title: string }) => d.title);
    expect(titles).toContain("A handbook");
    expect(titles).not.toContain("B secrets");
  });

  it("refuses a wrong password, a forged signature, and a user the hook finds no membership for", async () => {
    const wrong = await signIn(member.email, "not the password");
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toBe("The email or password is incorrect.");

    const forged = await standIn.forge({ sub: randomUUID(), role: "authenticated", aud: "authenticated", app_metadata: { tenant_id: b.id, staff_role: "owner" } });
    const forgedList = await listDocumentsRoute(new Request("http://localhost/api/documents", { headers: bearer(forged) }), routeParams({}));
    expect(forgedList.status).toBe(401);

    const { token } = await (await signIn(stranger.email, stranger.password)).json();
    expect(decodeJwt(token).app_metadata).not.toHaveProperty("tenant_id");
    const strangerList = await listDocumentsRoute(new Request("http://localhost/api/documents", { headers: bearer(token) }), routeParams({}));
    expect(strangerList.status).toBe(401);
  });

  it("refreshes an expiring cookie session in the proxy and lets the Control Center page through", async () => {
    // The browser's cookies after a sign-in, as @supabase/ssr writes them.
    const jar = new Map<string, string>();
    const browser = createServerClient(standIn.url, ANON_KEY, {
      cookies: { getAll: () => [...jar].map(([name, value]) => ({ name, value })), setAll: (list) => list.forEach((c) => jar.set(c.name, c.value)) },
    });
    const { error } = await browser.auth.signInWithPassword(member);
    expect(error).toBeNull();
    expect(jar.size).toBeGreaterThan(0);
    const refreshesBefore = standIn.grants.filter((g) => g === "refresh_token").length;

    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await proxy(new NextRequest("http://localhost/dashboard", { headers: { cookie } }));
    expect(response.headers.get("location")).toBeNull(); // not sent to sign-in
    expect(standIn.grants.filter((g) => g === "refresh_token").length).toBe(refreshesBefore + 1);
    const renewed = response.cookies.getAll().filter((c) => c.name.startsWith("sb-"));
    expect(renewed.length).toBeGreaterThan(0);
    expect(renewed.map((c) => c.value).join("")).not.toBe([...jar.values()].join(""));

    const signedOut = await proxy(new NextRequest("http://localhost/dashboard"));
    expect(signedOut.headers.get("location")).toMatch(/\/sign-in\?next=%2Fdashboard$/);
  });
});
