import pg from "pg";
import { cacheWidthOf, getEmbedder } from "@/lib/ai/embeddings";
import { systemClaims } from "@/lib/db/claims";
import { getSemanticCache } from "@/lib/cache";
import { cacheVector, toPgVector } from "@/lib/ai/vector";
import { normalizeQuestion } from "@/lib/cache/question-key";
import { withTenant } from "@/lib/db/tenant";
import { seededRandom, shuffled } from "./random";
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

const BATCH = 1_000;

/** Called with each tenant's questions and their vectors as it is seeded (e.g. to keep a VectorSet). */
export type OnSeeded = (tenantIndex: number, questions: string[], vectors: number[][]) => void;

async function embedInBatches(questions: string[]): Promise<number[][]> {
  const embedder = getEmbedder();
  const vectors: number[][] = [];
  for (let i = 0; i < questions.length && !wasInterrupted(); i += BATCH) vectors.push(...(await embedder.embed(questions.slice(i, i + BATCH))));
  return vectors;
}

/**
 * Writes the questions into one tenant's cache through the configured adapter, as
 * human-approved answers, in batches of one transaction each (PGlite, no admin login).
 */
async function writeThroughAdapter(tenantId: string, tenantIndex: number, questions: string[], vectors: number[][]): Promise<void> {
  const cache = getSemanticCache();
  const modelId = getEmbedder().modelId;
  for (let i = 0; i < questions.length && !wasInterrupted(); i += BATCH) {
    await withTenant(systemClaims(tenantId), async (tx) => {
      const scope = { tx, tenantId, embeddingModel: modelId };
      for (let j = i; j < Math.min(i + BATCH, questions.length); j++) {
        await cache.write(scope, {
          question: questions[j],
          embedding: vectors[j],
          answer: expectedAnswer(tenantIndex, j),
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

/**
 * The same rows as the adapter writes (human answers, normalised keys), inserted in bulk
 * with the throwaway database's superuser connection: the benchmarks measure lookups,
 * and 200,000 single-row upserts would take most of a run.
 */
async function insertInBulk(admin: pg.Client, tenantId: string, tenantIndex: number, questions: string[], vectors: number[][]): Promise<void> {
  const modelId = getEmbedder().modelId;
  for (let i = 0; i < questions.length && !wasInterrupted(); i += BATCH) {
    const slice = questions.slice(i, i + BATCH);
    await admin.query(
      `insert into public.cache_entries (tenant_id, question, question_key, embedding, embedding_model, answer, source, expires_at)
       select $1, q, k, v::vector, $5, a, 'human', now() + interval '30 days'
         from unnest($2::text[], $3::text[], $4::text[], $6::text[]) as t(q, k, v, a)`,
      [
        tenantId,
        slice,
        slice.map(normalizeQuestion),
        vectors.slice(i, i + BATCH).map((v) => toPgVector(cacheVector(v, cacheWidthOf(modelId)))),
        modelId,
        slice.map((_, j) => expectedAnswer(tenantIndex, i + j)),
      ],
    );
  }
}

/** The cache's HNSW indexes, one per stored width (partitioned: one per tenant partition each). */
const VECTOR_INDEXES = ["cache_entries_embedding_384_idx", "cache_entries_embedding_1536_idx"];

/**
 * Seeds each tenant's cache with `entries` synthetic questions (tenant i's draw is seed
 * i + 1), embedded by the configured embedder. On PostgreSQL the HNSW indexes are dropped
 * during seeding and rebuilt afterwards from their own definitions (a bulk build, several
 * times faster than inserting into it); on PGlite entries go in through the adapter.
 */
export async function seedManyCaches(
  tenants: Array<{ id: string; index: number; entries: number }>,
  options: { adminUrl: string | null; log: (message: string) => void; onSeeded?: OnSeeded },
): Promise<{ seedMs: number; embedMs: number; indexMs: number }> {
  const admin = options.adminUrl ? new pg.Client({ connectionString: options.adminUrl }) : null;
  await admin?.connect();
  try {
    const definitions = admin
      ? (await admin.query<{ indexname: string; indexdef: string }>("select indexname, indexdef from pg_indexes where schemaname = 'public' and indexname = any($1)", [VECTOR_INDEXES])).rows
      : [];
    for (const { indexname } of definitions) await admin!.query(`drop index public.${indexname}`);
    const started = performance.now();
    let embedMs = 0;
    for (const t of tenants) {
      if (wasInterrupted()) break;
      const questions = syntheticQuestions(t.entries, t.index + 1);
      const embedStarted = performance.now();
      const vectors = await embedInBatches(questions);
      embedMs += performance.now() - embedStarted;
      if (admin) await insertInBulk(admin, t.id, t.index, questions, vectors);
      else await writeThroughAdapter(t.id, t.index, questions, vectors);
      options.onSeeded?.(t.index, questions, vectors);
      options.log(`  tenant ${t.index + 1}/${tenants.length}: ${t.entries} entries`);
    }
    const seedMs = performance.now() - started;
    if (definitions.length === 0) return { seedMs, embedMs, indexMs: 0 };
    options.log("  rebuilding the vector indexes…");
    const indexStarted = performance.now();
    await admin!.query("set maintenance_work_mem = '2GB'");
    // pg_indexes shows a partitioned index as `ON ONLY` the parent, which would build none of
    // the partitions' indexes: recreated on the whole table instead.
    for (const { indexdef } of definitions) await admin!.query(indexdef.replace(" ON ONLY ", " ON "));
    await admin!.query("vacuum analyze public.cache_entries");
    return { seedMs, embedMs, indexMs: performance.now() - indexStarted };
  } finally {
    await admin?.end();
  }
}
