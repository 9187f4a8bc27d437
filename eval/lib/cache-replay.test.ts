import { afterAll, describe, expect, it } from "vitest";
import { getEmbedder } from "@/lib/ai/embeddings";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { createTestTenant } from "@/tests/support/fixtures";
import { planReplay, runReplay } from "./cache-replay";

const rows = [
  { text: "How do I reset my password?", label: "password", line: 2 },
  { text: "how do i reset my password", label: "password", line: 3 },
  { text: "I forgot my password, how do I reset it?", label: "password", line: 4 },
  { text: "Where is my card delivery?", label: "card", line: 5 },
  { text: "where is my card delivery", label: "card", line: 6 },
  { text: "What is the weather like on Mars?", label: "none", line: 7 },
  { text: "what is the weather like on mars", label: "none", line: 8 },
];

const created: string[] = [];
afterAll(async () => {
  await withService((tx) => tx.query("delete from public.tenants where id = any($1::uuid[])", [created]));
  await closePool();
});

describe("planReplay", () => {
  it("orders the rows by seed, keeps each label in one tenant, and honours the limit", () => {
    const a = planReplay(rows, { tenants: 2, seed: 3 });
    expect(planReplay(rows, { tenants: 2, seed: 3 })).toEqual(a);
    expect(a.map((r) => r.line).sort()).toEqual(rows.map((r) => r.line));
    for (const label of ["password", "card", "none"]) expect(new Set(a.filter((r) => r.label === label).map((r) => r.tenant)).size).toBe(1);
    expect(planReplay(rows, { tenants: 2, seed: 3, limit: 4 })).toEqual(a.slice(0, 4));
  });
});

describe("runReplay", () => {
  it("writes misses, checks hits against the label, never writes the negative label, per threshold", async () => {
    const target = {
      embedder: getEmbedder(),
      newTenants: async (count: number) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push((await createTestTenant("replay")).id);
        created.push(...ids);
        return ids;
      },
    };
    const [strict, loose] = await runReplay(rows, target, { tenants: 1, thresholds: [0.999, -1], negativeLabel: "none", seed: 3 });
    // At 0.999 only exact repeats (same text up to case and punctuation) hit: the second
    // of the password pair and of the card pair. Every other answerable row is written;
    // the negative rows never are, so they cannot hit each other.
    expect(strict.queries).toBe(7);
    expect(strict.hits).toBe(2);
    expect(strict.wrongHits).toBe(0);
    expect(strict.written).toBe(3);
    expect(strict.curve.at(-1)).toEqual({ queries: 7, hitRate: 2 / 7, wrongHitRate: 0 });
    // With no threshold everything after the first question hits: the negative rows and
    // cross-label hits are wrong.
    expect(loose.hits).toBe(6);
    expect(loose.wrongHits).toBeGreaterThan(0);
    expect(loose.wrongHitRate).toBeCloseTo(loose.wrongHits / 7);
  });
});
