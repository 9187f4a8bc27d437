import path from "node:path";
import { getEmbedder } from "@/lib/ai/embeddings";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { cacheSettingsFor } from "@/lib/cache/settings";
import { planTenantQueries, paraphrase, usedDimensions, VectorSet, type CacheQuery } from "./cache-queries";
import { seedManyCaches } from "./cache-seed";
import { ingestKb } from "./ingest-kb";
import { loadKb } from "./kb";
import { seededRandom } from "./random";
import { createRunTenant } from "./tenants";

const KB_ROOT = path.resolve(import.meta.dirname, "../../lib/tenants/demo-kb");
const KBS = ["acme", "globex"];
/** Checked questions planned per kind and tenant (exact, paraphrase, off-topic). */
const PER_KIND = 100;

/** A tenant of a load run and what its visitors ask. */
export interface LoadTenant {
  id: string;
  index: number;
  widgetKey: string;
  entries: number;
  /** Seeded questions asked again: `expected` is the entry whose answer must come back. */
  exact: CacheQuery[];
  /** Seeded questions reworded, nearest to their entry and above the threshold. */
  paraphrase: CacheQuery[];
  /** Questions no seeded entry may answer (below the threshold). */
  offTopic: string[];
  /** The knowledge base's own questions, asked as written and reworded. */
  kb: string[];
}

/** A knowledge base's questions (its articles' `##` headings), as written and reworded twice. */
async function kbQuestions(dir: string, seededKeys: Set<string>, random: () => number): Promise<string[]> {
  const { docs } = await loadKb(dir, "fail");
  const headings = docs.flatMap((doc) => [...new TextDecoder().decode(doc.data).matchAll(/^## (.+)$/gm)].map((m) => m[1].trim()));
  const questions = [...headings, ...headings.map((h) => paraphrase(h, random)), ...headings.map((h) => paraphrase(h, random))];
  // Never one of the seeded keys: an exact repeat must find only its seeded answer.
  return [...new Set(questions)].filter((q) => !seededKeys.has(normalizeQuestion(q)));
}

/**
 * `tenants` run tenants, each with a demo knowledge base (acme and globex in turn, put
 * through the product's ingestion) and `entries` seeded human answers in its cache, and
 * the checked questions of every kind their visitors ask.
 */
export async function prepareLoadTenants(options: { tenants: number; entries: number; adminUrl: string | null }): Promise<LoadTenant[]> {
  const embedder = getEmbedder();
  const threshold = cacheSettingsFor({}, embedder.modelId).similarityThreshold;
  const tenants: LoadTenant[] = [];
  for (let index = 0; index < options.tenants; index++) {
    const kb = KBS[index % KBS.length];
    const created = await createRunTenant("bench", { name: `Load ${index + 1} (${kb})` });
    console.error(`Tenant ${index + 1}/${options.tenants}: indexing the ${kb} knowledge base…`);
    await ingestKb(created.id, (await loadKb(path.join(KB_ROOT, kb), "fail")).docs, { runJobs: true });
    tenants.push({ id: created.id, index, widgetKey: created.widgetKey, entries: options.entries, exact: [], paraphrase: [], offTopic: [], kb: [] });
  }
  console.error(`Seeding ${options.tenants} × ${options.entries} cached answers (${embedder.modelId})…`);
  const plans: Array<Promise<void>> = [];
  await seedManyCaches(tenants, {
    adminUrl: options.adminUrl,
    log: (m) => console.error(m),
    onSeeded: (index, questions, vectors) => {
      const tenant = tenants[index];
      const keys = new Set(questions.map(normalizeQuestion));
      const set = new VectorSet(vectors, usedDimensions(vectors));
      plans.push(
        planTenantQueries({ questions, vectors: set, embed: (t) => embedder.embed(t), threshold, perKind: PER_KIND, seed: 500 + index }).then(async (plan) => {
          for (const q of plan.queries) {
            if (q.kind === "exact") tenant.exact.push(q);
            else if (q.kind === "paraphrase") tenant.paraphrase.push(q);
            else tenant.offTopic.push(q.text);
          }
          tenant.kb = await kbQuestions(path.join(KB_ROOT, KBS[index % KBS.length]), keys, seededRandom(900 + index));
        }),
      );
    },
  });
  await Promise.all(plans);
  for (const t of tenants) {
    if (!t.exact.length || !t.paraphrase.length || !t.offTopic.length || !t.kb.length) throw new Error(`Tenant ${t.index + 1} has no questions of some kind.`);
  }
  return tenants;
}
