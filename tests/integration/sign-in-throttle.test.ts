import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/(auth)/api/auth/sign-in/route";
import { throttledSignIn, verifyLocalCredentials } from "@/lib/auth/sign-in";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createStaffMember } from "@/lib/tenants/provision";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { jsonRequest } from "@/tests/support/http";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("throttle");
});
afterAll(() => closePool());

async function member(password = "the right password"): Promise<{ email: string; userId: string }> {
  const email = `m-${randomUUID().slice(0, 8)}@throttle.test`;
  const { userId } = await withService((tx) => createStaffMember(tx, { tenantId: tenant.id, email, password, role: "agent" }));
  return { email, userId };
}

const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 6)}`;

function signIn(email: string, password: string, ip: string) {
  return signInRoute(jsonRequest("/api/auth/sign-in", { email, password }, { "x-forwarded-for": `203.0.113.9, ${ip}` }));
}

async function auditCount(userId: string, action: string): Promise<number> {
  const { rows } = await withService((tx) =>
    tx.query<{ n: number }>("select count(*)::int as n from public.audit_log where target_id = $1 and action = $2", [userId, action]),
  );
  return rows[0].n;
}

describe("sign-in throttling (shared, in the database)", () => {
  it("checks at most 5 of 30 parallel guesses at one account; the rest get 429 with Retry-After; the failures are audited", async () => {
    const { email, userId } = await member();
    const ips = Array.from({ length: 30 }, address); // one address each: the account limit alone must hold
    const responses = await Promise.all(ips.map((ip) => signIn(email, "wrong guess", ip)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.message).toMatch(/Too many failed sign-ins/);
    // Every checked guess is audited with its address; refusals at most once a minute.
    const { rows } = await withService((tx) =>
      tx.query<{ details: { ip: string; reason: string } }>(
        "select details from public.audit_log where target_id = $1 and action = 'auth.sign_in_failed'",
        [userId],
      ),
    );
    expect(rows.map((r) => r.details.reason)).toEqual(Array(5).fill("invalid_credentials"));
    for (const row of rows) expect(ips).toContain(row.details.ip);
    expect(await auditCount(userId, "auth.sign_in_throttled")).toBe(1);
  });

  it("refuses even the right password while backing off, then lets it in and forgets the failures", async () => {
    const { email, userId } = await member();
    const ip = address();
    for (let i = 0; i < 6; i++) await signIn(email, "wrong", ip);
    expect((await signIn(email, "the right password", ip)).status).toBe(429);

    // The back-off (1 s after the fifth failure, 2 s after the sixth) has passed.
    await withService((tx) =>
      tx.query("update app.sign_in_failures set last_failure_at = now() - interval '10 minutes' where key = $1", [email]),
    );
    const claims = await throttledSignIn(email, ip, () => verifyLocalCredentials(email, "the right password"));
    expect(claims.sub).toBe(userId);
    expect(await auditCount(userId, "auth.signed_in")).toBe(1);
    const { rows } = await withService((tx) => tx.query("select 1 from app.sign_in_failures where scope = 'account' and key = $1", [email]));
    expect(rows).toHaveLength(0);
  });

  it("backs off per address: the 21st failure from one address waits, another address does not", async () => {
    const ip = address();
    for (let i = 0; i < 20; i++) expect((await signIn(`nobody-${randomUUID()}@throttle.test`, "x", ip)).status).toBe(401);
    expect((await signIn(`nobody-${randomUUID()}@throttle.test`, "x", ip)).status).toBe(429);
    expect((await signIn(`nobody-${randomUUID()}@throttle.test`, "x", address())).status).toBe(401);
  });

  it("grows the wait exponentially and caps it at 15 minutes", async () => {
    const { rows } = await withService((tx) =>
      tx.query<{ s: number[] }>(
        `select array_agg(extract(epoch from app.sign_in_backoff('account', n))::int order by n) as s
         from generate_series(4, 20) n`,
      ),
    );
    expect(rows[0].s.slice(0, 6)).toEqual([0, 1, 2, 4, 8, 16]);
    expect(rows[0].s.at(-1)).toBe(900);
  });
});
