import pg from "pg";
import { getEmbedder } from "@/lib/ai/embeddings";
import { systemClaims } from "@/lib/auth/claims";
import { getSemanticCache } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { seededRandom, shuffled } from "@/eval/lib/random";
import { wasInterrupted } from "./lifecycle";

const OPENERS = ["How do I", "How can I", "Can I", "Is it possible to", "What is the way to", "Where do I", "Why can't I", "When should I", "Help me", "I want to"];
const VERBS = [
  "change", "cancel", "export", "import", "reset", "update", "delete", "restore", "share", "download",
  "upload", "verify", "renew", "transfer", "merge", "archive", "schedule", "connect", "disable", "enable",
  "rename", "copy", "print", "sync", "refund",
];
const OBJECTS = [
  "my password", "the invoice", "my subscription", "the billing address", "two-factor login", "my profile photo",
  "the team workspace", "a project", "the api key", "my domain", "the mailing list", "a webhook", "the calendar",
  "my card", "the payment method", "the shipping address", "an order", "the booking", "my storage plan",
  "the mobile app", "a report", "the dashboard", "my notifications", "the contact form", "a coupon code",
  "the tax settings", "my username", "the backup", "the language", "my time zone", "a gift card", "the receipt",
  "my email address", "the trial", "the license", "a team member", "the export file", "my account", "the blog",
  "the online store",
];
const QUALIFIERS = [
  "", "on my phone", "from the desktop app", "for my whole team", "after the trial ends", "without losing data",
  "in another currency", "for last month", "before renewal", "on the free plan", "as an admin", "from abroad",
  "for a client", "in bulk", "right now", "automatically every week", "on a shared computer", "with the API",
  "after a failed payment", "for a second site",
];

const COMBINATIONS = OPENERS.length * VERBS.length * OBJECTS.length * QUALIFIERS.length;

function questionAt(n: number): string {
  const q = QUALIFIERS[n % QUALIFIERS.length];
  const o = OBJECTS[Math.floor(n / QUALIFIERS.length) % OBJECTS.length];
  const v = VERBS[Math.floor(n / (QUALIFIERS.length * OBJECTS.length)) % VERBS.length];
  const op = OPENERS[Math.floor(n / (QUALIFIERS.length * OBJECTS.length * VERBS.length))];
  return `${op} ${v} ${o}${q ? ` ${q}` : ""}?`;
}

/** `count` distinct support-style questions (up to 200,000), a different seeded draw per seed. */
export function syntheticQuestions(count: number, seed: number): string[] {
  if (count > COMBINATIONS) throw new RangeError(`At most ${COMBINATIONS} distinct synthetic questions.`);
  const random = seededRandom(seed);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * COMBINATIONS));
  return shuffled([...picked], random).map(questionAt);
}

/** The answer seeded for a tenant's i-th question: a reply with any other text is wrong or crossed tenants. */
export function expectedAnswer(tenantIndex: number, i: number): string {
  return `Cached answer ${i} of tenant ${tenantIndex}.`;
}

const BATCH = 500;

/**
 * Writes the questions into one tenant's cache through the configured adapter and
 * embedder, as human-approved answers, in batches of one transaction each.
 */
export async function seedCacheEntries(tenantId: string, tenantIndex: number, questions: string[]): Promise<void> {
  const cache = getSemanticCache();
  const embedder = getEmbedder();
  for (let i = 0; i < questions.length; i += BATCH) {
    if (wasInterrupted()) return;
    const batch = questions.slice(i, i + BATCH);
    const vectors = await embedder.embed(batch);
    await withTenant(systemClaims(tenantId), async (tx) => {
      const scope = { tx, tenantId, embeddingModel: embedder.modelId };
      for (const [j, question] of batch.entries()) {
        await cache.write(scope, {
          question,
          embedding: vectors[j],
          answer: expectedAnswer(tenantIndex, i + j),
          source: "human",
          citations: [],
          sourceIds: [],
          confidence: null,
          ttlDays: 30,
        });
      }
    });
  }
}

const VECTOR_INDEX = "cache_entries_embedding_idx";

/**
 * Inserting into an HNSW index costs milliseconds per 1536-dimension vector, so 100,000
 * entries would take many minutes. With the throwaway database's superuser connection
 * the index is dropped during seeding and rebuilt afterwards from its own definition
 * (a bulk build, several times faster). Without one (PGlite) entries go in one by one.
 */
export async function seedManyCaches(
  tenants: Array<{ id: string; index: number }>,
  perTenant: number,
  options: { adminUrl: string | null; concurrency: number; log: (message: string) => void },
): Promise<{ seedMs: number; indexMs: number }> {
  const admin = options.adminUrl ? new pg.Client({ connectionString: options.adminUrl }) : null;
  await admin?.connect();
  try {
    const definition = admin
      ? (await admin.query<{ indexdef: string }>("select indexdef from pg_indexes where schemaname = 'public' and indexname = $1", [VECTOR_INDEX])).rows[0]?.indexdef
      : undefined;
    if (definition) await admin!.query(`drop index public.${VECTOR_INDEX}`);
    const started = performance.now();
    const queue = [...tenants];
    const worker = async () => {
      for (let t = queue.shift(); t && !wasInterrupted(); t = queue.shift()) {
        await seedCacheEntries(t.id, t.index, syntheticQuestions(perTenant, t.index + 1));
        options.log(`  tenant ${t.index + 1}/${tenants.length}: ${perTenant} entries`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    const seedMs = performance.now() - started;
    if (!definition) return { seedMs, indexMs: 0 };
    options.log("  rebuilding the vector index…");
    const indexStarted = performance.now();
    await admin!.query("set maintenance_work_mem = '1GB'");
    await admin!.query(definition);
    await admin!.query("analyze public.cache_entries");
    return { seedMs, indexMs: performance.now() - indexStarted };
  } finally {
    await admin?.end();
  }
}
