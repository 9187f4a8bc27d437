/**
 * Retrieval quality on WixQA (real help-center questions with expert-cited articles):
 * ingests the union of the questions' `contexts` as one tenant's knowledge base through
 * the real pipeline (upload -> job -> chunks), asks every question through retrieve()
 * and reports recall@5 of the cited article ids. Uses the configured embedder (the local
 * MiniLM model with no OPENAI_API_KEY / OPENAI_BASE_URL) and, when that is not the hash
 * embedder, the hash embedder too, on the same data. The data stays outside
 * the repository: WIXQA_PATH, default ../shared/eval/wixqa-dev.jsonl.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { runCli } from "@/bench/lib/lifecycle";
import { emitResult } from "@/bench/lib/result";
import { startRunDatabase } from "@/bench/lib/run-database";
import { createRunTenant } from "@/bench/lib/tenants";
import { OFFLINE_EMBEDDING_MODEL_ID } from "@/lib/ai/offline-embedder";
import { getEmbedder, hashEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { systemClaims, visitorClaims } from "@/lib/auth/claims";
import { withService, withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/jobs/runner";
import { addFileSource } from "@/lib/rag/add-source";
import { retrieve } from "@/lib/rag/retrieve";

const K = 5;

interface WixQaRow {
  id: string;
  question: string;
  article_ids: string[];
  contexts: Array<{ id: string; title?: string; url?: string; text: string }>;
}

function loadRows(): WixQaRow[] {
  const file = process.env.WIXQA_PATH ?? path.resolve(import.meta.dirname, "../../shared/eval/wixqa-dev.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as WixQaRow);
}

/** The article as Markdown: its title as the top heading, then its text. */
function articleMarkdown(article: WixQaRow["contexts"][number]): string {
  const title = article.title ?? article.text.split("\n")[0];
  const body = article.text.startsWith(title) ? article.text.slice(title.length).trim() : article.text;
  return `# ${title}\n\n${body}`;
}

/** Ingests the articles as a new tenant with the current embedder and asks every question. */
async function evaluate(rows: WixQaRow[], articles: Map<string, WixQaRow["contexts"][number]>) {
  const embedder = getEmbedder();
  const tenant = await createRunTenant("bench", { name: `wixqa ${embedder.modelId}` });
  const articleOfSource = new Map<string, string>();
  await withTenant(systemClaims(tenant.id), async (tx) => {
    for (const [id, article] of articles) {
      const { source } = await addFileSource(tx, {
        tenantId: tenant.id,
        userId: null,
        kind: "markdown",
        fileName: `${id}.md`,
        mimeType: "text/markdown",
        data: new TextEncoder().encode(articleMarkdown(article)),
      });
      articleOfSource.set(source.id, id);
    }
  });
  const t0 = performance.now();
  const run = await runJobsUntilIdle();
  const { rows: counts } = await withService((tx) =>
    tx.query<{ n: number }>("select count(*)::int as n from public.documents where tenant_id = $1", [tenant.id]),
  );
  const ingestSeconds = (performance.now() - t0) / 1000;

  const visitor = visitorClaims({ tenantId: tenant.id, conversationId: randomUUID() });
  let recallSum = 0;
  let hits = 0;
  let reciprocal = 0;
  for (const row of rows) {
    const found = await withTenant(visitor, (tx) => retrieve(tx, row.question, { k: K }));
    const ranked = [...new Set(found.map((c) => articleOfSource.get(c.sourceId ?? "")))];
    const cited = new Set(row.article_ids);
    const got = ranked.filter((id) => id && cited.has(id)).length;
    recallSum += got / cited.size;
    if (got > 0) hits++;
    const first = ranked.findIndex((id) => id && cited.has(id));
    if (first >= 0) reciprocal += 1 / (first + 1);
  }
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const result = {
    embedder: embedder.modelId,
    chunks: counts[0].n,
    failed_documents: run.failed,
    ingest_s: Math.round(ingestSeconds * 10) / 10,
    recall_at_5: round3(recallSum / rows.length),
    hit_at_5: round3(hits / rows.length),
    mrr: round3(reciprocal / rows.length),
  };
  console.error(`  ${JSON.stringify(result)}`);
  return result;
}

async function main() {
  const rows = loadRows();
  const articles = new Map(rows.flatMap((r) => r.contexts.map((c) => [c.id, c] as const)));
  const db = await startRunDatabase("bench", { separateProcess: true });
  console.error(`wixqa-recall on ${db.kind}: ${rows.length} questions, ${articles.size} articles`);
  const configured = await evaluate(rows, articles);
  let offline = configured;
  if (configured.embedder !== OFFLINE_EMBEDDING_MODEL_ID) {
    // A model is configured: also measure the offline embedder on the same data.
    setEmbedderForTests(hashEmbedder);
    offline = await evaluate(rows, articles);
    setEmbedderForTests(undefined);
  }
  emitResult({
    database: db.kind,
    questions: rows.length,
    articles: articles.size,
    k: K,
    offline,
    ...(configured === offline ? {} : { configured }),
  });
}

runCli("Usage: npm run bench:wixqa   (WIXQA_PATH=path/to/wixqa-dev.jsonl)", main);
