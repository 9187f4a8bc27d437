import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestClaims } from "@/lib/db/claims";
import { getEmbedder } from "@/lib/ai/embeddings";
import { cacheSettingsFor, defaultSimilarityThreshold } from "@/lib/cache/settings";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { getTenantSettings, updateTenantSettings } from "@/lib/tenants/settings";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";

let a: TestTenant;
let b: TestTenant;
let agentA: RequestClaims;
let adminA: RequestClaims;

beforeAll(async () => {
  a = await createTestTenant("settings-a");
  b = await createTestTenant("settings-b");
  agentA = await a.staff("agent");
  adminA = await a.staff("admin");
});

afterAll(async () => {
  await closePool();
});

async function storedSettings(tenantId: string): Promise<Record<string, unknown>> {
  const { rows } = await withService((tx) =>
    tx.query<{ settings: Record<string, unknown> }>("select settings from public.tenants where id = $1", [tenantId]),
  );
  return rows[0].settings;
}

describe("getTenantSettings", () => {
  it("returns the caller's tenant with defaults filled in", async () => {
    const settings = await withTenant(agentA, (tx) => getTenantSettings(tx));
    expect(settings).toMatchObject({
      tenantId: a.id,
      name: `Tenant ${a.slug}`,
      widgetKey: a.widgetKey,
      confidenceThreshold: 0.7,
      cacheSimilarityThreshold: null,
      effectiveSimilarityThreshold: defaultSimilarityThreshold(getEmbedder().modelId),
      cacheTtlDays: 7,
      answerDelivery: "stream",
      branding: { name: `Tenant ${a.slug}` },
    });
    expect(settings.branding.color).toMatch(/^#[0-9a-f]{6}$/i);
  });
});

describe("updateTenantSettings", () => {
  it("merges a patch, keeps untouched keys and writes what the cache and agent read", async () => {
    await withTenant(a.owner, (tx) => updateTenantSettings(tx, { branding: { color: "#112233", greeting: "Hello there" } }));
    const updated = await withTenant(adminA, (tx) =>
      updateTenantSettings(tx, {
        name: "Renamed",
        confidenceThreshold: 0.55,
        cacheSimilarityThreshold: 0.93,
        cacheTtlDays: 30,
        branding: { name: "Helpdesk" },
      }),
    );
    expect(updated).toMatchObject({
      name: "Renamed",
      confidenceThreshold: 0.55,
      cacheSimilarityThreshold: 0.93,
      effectiveSimilarityThreshold: 0.93,
      cacheTtlDays: 30,
      branding: { color: "#112233", name: "Helpdesk", greeting: "Hello there" },
    });
    const stored = await storedSettings(a.id);
    expect(stored).toMatchObject({
      confidence_threshold: 0.55,
      cache_similarity_thresholds: { [getEmbedder().modelId]: 0.93 },
      cache_ttl_days: 30,
      branding: { color: "#112233", name: "Helpdesk", greeting: "Hello there" },
    });
    expect(cacheSettingsFor(stored, getEmbedder().modelId)).toEqual({ similarityThreshold: 0.93, ttlDays: 30 });
    // Another embedding model keeps its own default: a threshold never crosses models.
    expect(cacheSettingsFor(stored, "openai:text-embedding-3-small").similarityThreshold).toBe(0.9);

    const reset = await withTenant(a.owner, (tx) => updateTenantSettings(tx, { cacheSimilarityThreshold: null }));
    expect(reset.cacheSimilarityThreshold).toBeNull();
    expect(reset.effectiveSimilarityThreshold).toBe(defaultSimilarityThreshold(getEmbedder().modelId));
    expect(await storedSettings(a.id)).not.toHaveProperty("cache_similarity_thresholds");

    const audit = await withTenant(a.owner, (tx) =>
      tx.query<{ n: number }>("select count(*)::int as n from public.audit_log where action = 'settings.update'"),
    );
    expect(audit.rows[0].n).toBe(3);
  });

  it("refuses agents, in the library and under RLS", async () => {
    const before = await storedSettings(a.id);
    await expect(withTenant(agentA, (tx) => updateTenantSettings(tx, { confidenceThreshold: 0.1 }))).rejects.toMatchObject({
      status: 403,
    });
    const direct = await withTenant(agentA, (tx) =>
      tx.query("update public.tenants set settings = '{}'::jsonb where id = app.current_tenant_id()"),
    );
    expect(direct.rowCount).toBe(0);
    expect(await storedSettings(a.id)).toEqual(before);
  });

  it("rejects invalid values with the field and reason", async () => {
    for (const patch of [
      { confidenceThreshold: 1.5 },
      { cacheTtlDays: 0 },
      { branding: { color: "red; background: url(x)" } },
      { name: "" },
      { unknown: true },
    ]) {
      await expect(withTenant(a.owner, (tx) => updateTenantSettings(tx, patch as never))).rejects.toMatchObject({ status: 422 });
    }
    await expect(withTenant(a.owner, (tx) => updateTenantSettings(tx, { cacheTtlDays: 2.5 }))).rejects.toThrow(
      "The cache lifetime must be a whole number of days.",
    );
    await expect(withTenant(a.owner, (tx) => updateTenantSettings(tx, { plan: "enterprise" } as never))).rejects.toThrow(
      "Unknown setting: plan.",
    );
    await expect(withTenant(a.owner, (tx) => updateTenantSettings(tx, { branding: { color: "blue" } }))).rejects.toThrow(
      /Use a colour like #4f46e5 for the brand colour/,
    );
    await expect(withTenant(a.owner, (tx) => updateTenantSettings(tx, { answerDelivery: "later" } as never))).rejects.toThrow(
      'Answer delivery must be "stream" or "hold".',
    );
  });

  it("switches answer delivery between streaming and holding until checked", async () => {
    const held = await withTenant(a.owner, (tx) => updateTenantSettings(tx, { answerDelivery: "hold" }));
    expect(held.answerDelivery).toBe("hold");
    expect((await withTenant(agentA, (tx) => getTenantSettings(tx))).answerDelivery).toBe("hold");
    expect((await withTenant(a.owner, (tx) => updateTenantSettings(tx, { answerDelivery: "stream" }))).answerDelivery).toBe("stream");
  });

  it("changes only the caller's tenant", async () => {
    const before = await storedSettings(b.id);
    await withTenant(a.owner, (tx) => updateTenantSettings(tx, { cacheTtlDays: 12 }));
    expect(await storedSettings(b.id)).toEqual(before);
    const seenByB = await withTenant(b.owner, (tx) => getTenantSettings(tx));
    expect(seenByB.tenantId).toBe(b.id);
    expect(seenByB.cacheTtlDays).toBe(7);
  });
});
