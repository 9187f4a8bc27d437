import "server-only";
import { getEmbedder } from "@/lib/ai/embeddings";
import { toPgVector } from "@/lib/ai/vector";
import type { Tx } from "@/lib/db/tenant";
import { VISIBLE_CHUNK_SQL } from "@/lib/rag/chunk-store";
import { fuseRankings } from "@/lib/rag/fusion";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";

export interface RetrieveOptions {
  /** How many chunks to return (default 5). */
  k?: number;
  /** The question's embedding, when the caller already has one (the cache check does). */
  embedding?: number[];
  /** The model that produced `embedding`; only chunks embedded by it are compared. */
  embeddingModel?: string;
}

interface CandidateRow {
  id: string;
  /** Among the nearest neighbours / the best full-text matches this search returns. */
  in_vector: boolean;
  in_text: boolean;
  distance: number | null;
  text_score: number | null;
  source_id: string | null;
  content: string;
  additional_data: { title?: string; url?: string | null; page?: number | null; heading_path?: string[] };
}

const MAX_QUESTION_CHARS = 2_000;
/**
 * A tenant with up to this many chunks is searched exactly (every chunk scored, about
 * 8 µs each) unless it holds a large share of the index, where HNSW is cheaper.
 */
const EXACT_SEARCH_MAX_CHUNKS = 5_000;
const ALWAYS_EXACT_CHUNKS = 1_000;
const INDEX_SHARE = 0.25;
/** Nearest neighbours taken from the HNSW index for a large tenant (also its ef_search). */
const INDEX_POOL = 40;

// RLS adds the caller's tenant to every statement; VISIBLE_CHUNK_SQL hides versions still
// being indexed; vectors of another embedding model are never compared.
const EXACT_SQL = `
with scored as materialized (
  select d.id,
         case when d.additional_data->>'embedding_model' = $2 then d.embedding <=> $1::vector end as distance,
         case when d.fts @@ q then ts_rank_cd(d.fts, q) end as text_score
  from public.documents d, websearch_to_tsquery('english', $4) as q
  where ${VISIBLE_CHUNK_SQL}
),
vector_top as (select id from scored where distance is not null order by distance, id limit $3),
text_top as (select id from scored where text_score is not null order by text_score desc, id limit $3)
select s.id, v.id is not null as in_vector, t.id is not null as in_text, s.distance, s.text_score,
       d.source_id, d.content, d.additional_data
from scored s
join public.documents d on d.id = s.id
left join vector_top v on v.id = s.id
left join text_top t on t.id = s.id
where v.id is not null or t.id is not null`;

const INDEX_SQL = `
with pool as materialized (
  select d.id, d.embedding <=> $1::vector as distance
  from public.documents d
  where d.additional_data->>'embedding_model' = $2 and ${VISIBLE_CHUNK_SQL}
  order by d.embedding <=> $1::vector
  limit $3
)
select p.id, true as in_vector, true as in_text, p.distance,
       case when d.fts @@ q then ts_rank_cd(d.fts, q) end as text_score,
       d.source_id, d.content, d.additional_data
from pool p
join public.documents d on d.id = p.id
cross join websearch_to_tsquery('english', $4) as q`;

/**
 * Candidates of both searches. The planner cannot tell how many rows the caller's tenant
 * has (RLS filters by a runtime setting), so the plan is chosen here:
 * - a small tenant: every chunk gets its cosine distance and its full-text rank, exactly;
 * - a large one: nearest neighbours from the shared HNSW index, scanned iteratively
 *   (relaxed order) so the rows RLS filters out do not starve the result, then ranked
 *   by full text among them. Under RLS, `@@` is not leakproof and so cannot use the GIN
 *   index; scanning a large tenant's rows per question would cost seconds.
 */
async function searchCandidates(tx: Tx, embedding: number[], model: string, question: string, limit: number) {
  const { rows } = await tx.query<{ n: number; total: number }>(
    `select (select count(*) from (select 1 from public.documents limit $1) s)::int as n,
            (select reltuples from pg_class where oid = 'public.documents'::regclass)::float8 as total`,
    [EXACT_SEARCH_MAX_CHUNKS + 1],
  );
  const { n, total } = rows[0];
  const exact = n <= ALWAYS_EXACT_CHUNKS || (n <= EXACT_SEARCH_MAX_CHUNKS && n < INDEX_SHARE * total);
  const vector = toPgVector(embedding);
  // Transaction-local settings only (is_local = true): nothing leaks to the pooled connection.
  await tx.query("select set_config('jit', 'off', true)");
  if (exact) {
    return (await tx.query<CandidateRow>(EXACT_SQL, [vector, model, limit, question])).rows;
  }
  await tx.query(
    `select set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true),
            set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
            set_config('enable_sort', 'off', true)`,
    [String(INDEX_POOL)],
  );
  const result = await tx.query<CandidateRow>(INDEX_SQL, [vector, model, INDEX_POOL, question]);
  await tx.query("set local enable_seqscan to default; set local enable_bitmapscan to default; set local enable_sort to default");
  return result.rows;
}

/**
 * Hybrid search over the caller's knowledge base inside their tenant transaction:
 * pgvector cosine similarity and PostgreSQL full-text search (websearch syntax),
 * fused by reciprocal rank.
 */
export async function retrieve(tx: Tx, question: string, options: RetrieveOptions = {}): Promise<RetrievedChunk[]> {
  const k = Math.min(Math.max(Math.floor(options.k ?? 5), 1), 50);
  const candidates = Math.max(k * 4, 20);
  const text = question.slice(0, MAX_QUESTION_CHARS);
  let { embedding, embeddingModel } = options;
  if (!embedding) {
    const embedder = getEmbedder();
    [embedding] = await embedder.embed([text]);
    embeddingModel = embedder.modelId;
  }
  embeddingModel ??= getEmbedder().modelId;

  const rows = await searchCandidates(tx, embedding, embeddingModel, text, candidates);
  const byVector = rows
    .filter((r) => r.in_vector && r.distance !== null)
    .sort((a, b) => Number(a.distance) - Number(b.distance) || a.id.localeCompare(b.id))
    .slice(0, candidates);
  const byText = rows
    .filter((r) => r.in_text && r.text_score !== null)
    .sort((a, b) => Number(b.text_score) - Number(a.text_score) || a.id.localeCompare(b.id))
    .slice(0, candidates);
  const vectorRank = new Map(byVector.map((r, i) => [r.id, i + 1]));
  const textRank = new Map(byText.map((r, i) => [r.id, i + 1]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const fused = fuseRankings(
    [...new Set([...vectorRank.keys(), ...textRank.keys()])].map((id) => ({
      id,
      vectorRank: vectorRank.get(id) ?? null,
      textRank: textRank.get(id) ?? null,
    })),
  ).slice(0, k);

  return fused.map((f) => {
    const row = byId.get(f.id)!;
    const meta = row.additional_data ?? {};
    return {
      id: row.id,
      sourceId: row.source_id,
      content: row.content,
      title: meta.title ?? "Untitled",
      url: meta.url ?? null,
      page: meta.page ?? null,
      headingPath: meta.heading_path ?? [],
      score: f.score,
      vectorSimilarity: f.vectorRank === null || row.distance === null ? null : 1 - Number(row.distance),
      vectorRank: f.vectorRank,
      textRank: f.textRank,
    };
  });
}
