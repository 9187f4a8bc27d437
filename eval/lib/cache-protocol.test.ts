import { describe, expect, it } from "vitest";
import { UsageError } from "./args";
import { recommendThreshold, scoreThreshold, thresholdRange } from "./cache-metrics";
import { planCacheEval, toQueryResult, type LabeledText, type QueryResult } from "./cache-protocol";

function rows(): LabeledText[] {
  const out: LabeledText[] = [];
  let line = 2;
  for (const label of ["a", "b", "c", "d", "e"]) for (let i = 0; i < 4; i++) out.push({ text: `${label} ${i}`, label, line: line++ });
  for (let i = 0; i < 3; i++) out.push({ text: `oos ${i}`, label: "oos", line: line++ });
  return out;
}

describe("planCacheEval", () => {
  const plan = planCacheEval(rows(), { tenants: 2, seedPerLabel: 1, negativeLabel: "oos", seed: 1 });

  it("deals every seeded label to exactly one tenant", () => {
    const labels = plan.tenants.flatMap((t) => t.labels);
    expect(labels.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(plan.tenants.map((t) => t.labels.length).sort()).toEqual([2, 3]);
    for (const t of plan.tenants) for (const label of t.labels) expect(plan.labelTenant.get(label)).toBe(t.index);
  });

  it("seeds seed-per-label phrasings and queries all the others in the same tenant", () => {
    for (const t of plan.tenants) {
      expect(t.seeds).toHaveLength(t.labels.length);
      for (const q of t.queries.filter((q) => q.label !== "oos")) expect(t.labels).toContain(q.label);
    }
    const seeded = new Set(plan.tenants.flatMap((t) => t.seeds.map((s) => s.line)));
    const queried = plan.tenants.flatMap((t) => t.queries.map((q) => q.line));
    expect(queried.filter((l) => seeded.has(l))).toEqual([]);
    expect(seeded.size + queried.length).toBe(rows().length);
  });

  it("never seeds the negative label and spreads its rows over the tenants", () => {
    expect(plan.tenants.flatMap((t) => t.seeds).some((s) => s.label === "oos")).toBe(false);
    expect(plan.tenants.map((t) => t.queries.filter((q) => q.label === "oos").length).sort()).toEqual([1, 2]);
  });

  it("is reproducible for a seed and differs across seeds", () => {
    const again = planCacheEval(rows(), { tenants: 2, seedPerLabel: 1, negativeLabel: "oos", seed: 1 });
    expect(again.tenants).toEqual(plan.tenants);
    const seedsOf = (p: typeof plan) => p.tenants.flatMap((t) => t.seeds.map((s) => s.text)).sort();
    const others = [2, 3, 4, 5].map((seed) => seedsOf(planCacheEval(rows(), { tenants: 2, seedPerLabel: 1, negativeLabel: "oos", seed })));
    expect(others.some((s) => s.join() !== seedsOf(plan).join())).toBe(true);
  });

  it("notes labels with nothing left to query, and refuses more tenants than labels", () => {
    expect(planCacheEval(rows(), { tenants: 1, seedPerLabel: 4, negativeLabel: "oos", seed: 1 }).seedOnlyLabels.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(() => planCacheEval(rows(), { tenants: 6, seedPerLabel: 1, negativeLabel: "oos", seed: 1 })).toThrow(UsageError);
  });
});

function result(label: string, bestLabel: string | null, similarity: number | null, tenant = 0, bestTenant: number | null = 0): QueryResult {
  return { text: "", label, tenant, line: 1, bestLabel, bestTenant, similarity, lookupMs: 1, embedMs: 0 };
}

describe("scoreThreshold", () => {
  const results = [
    result("a", "a", 0.95),
    result("a", "b", 0.85),
    result("b", "b", 0.7),
    result("oos", "a", 0.9),
    result("c", "x", 0.99, 0, 1),
    result("d", null, null),
  ];

  it("separates correct, false, negative and cross-tenant hits at a threshold", () => {
    expect(scoreThreshold(results, 0.8, "oos")).toMatchObject({
      queries: 6, hits: 4, correctHits: 1, falseHits: 3, crossTenantHits: 1, negativeQueries: 1, negativeHits: 1,
    });
    const p = scoreThreshold(results, 0.8, "oos");
    expect(p.falseHitRate).toBe(0.5);
    expect(p.wrongShareOfHits).toBe(0.75);
  });

  it("counts a hit on the query's own label in another tenant as false and cross-tenant", () => {
    expect(scoreThreshold([result("a", "a", 0.9, 0, 1)], 0.5)).toMatchObject({ correctHits: 0, falseHits: 1, crossTenantHits: 1 });
  });

  it("recommends the lowest threshold within the false-hit budget", () => {
    const points = thresholdRange(0.6, 1, 0.05).map((t) => scoreThreshold(results, t, "oos"));
    expect(recommendThreshold(points, 1 / 6)?.threshold).toBe(0.95);
    expect(recommendThreshold(points, 2 / 6)?.threshold).toBe(0.9);
    expect(recommendThreshold([scoreThreshold(results, 0.5, "oos")], 0)).toBeNull();
  });

  it("can bound the wrong share of served hits instead, the stricter budget when hits are rare", () => {
    const points = thresholdRange(0.6, 1, 0.05).map((t) => scoreThreshold(results, t, "oos"));
    // At 0.95 one of two hits is wrong (50% of hits, 1/6 of queries); only 1.0 serves no wrong answer.
    expect(recommendThreshold(points, 1 / 6, "queries")?.threshold).toBe(0.95);
    expect(recommendThreshold(points, 1 / 6, "hits")?.threshold).toBe(1);
    expect(recommendThreshold(points, 0.5, "hits")?.threshold).toBe(0.95);
  });
});

describe("toQueryResult", () => {
  it("attributes the returned answer (a label) to the tenant that seeded it", () => {
    const plan = planCacheEval(rows(), { tenants: 2, seedPerLabel: 1, seed: 1 });
    const owner = plan.labelTenant.get("a")!;
    const r = toQueryResult(plan, { text: "q", label: "b", line: 9, tenant: 1 - owner }, { answer: "a", similarity: 0.7 }, { lookupMs: 2, embedMs: 1 });
    expect(r).toMatchObject({ bestLabel: "a", bestTenant: owner, similarity: 0.7, tenant: 1 - owner });
    expect(toQueryResult(plan, { text: "q", label: "b", line: 9, tenant: 0 }, null, { lookupMs: 2, embedMs: 1 })).toMatchObject({ bestLabel: null, bestTenant: null, similarity: null });
  });
});

describe("thresholdRange", () => {
  it("steps without floating-point drift", () => {
    expect(thresholdRange(0.3, 0.35, 0.01)).toEqual([0.3, 0.31, 0.32, 0.33, 0.34, 0.35]);
  });
});
