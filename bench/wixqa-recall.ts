/**
 * Retrieval quality on WixQA dev (60 real help-center questions with expert-cited
 * articles), twice:
 *  - `cited_only`: the knowledge base is the union of the questions' cited articles (75);
 *    each question competes only with the articles other questions cite. An easy figure,
 *    kept for comparison;
 *  - `with_distractors` (the headline): the same 75 plus distractor articles that no
 *    question cites: one support article per banking77 intent (77, its phrasings as the
 *    body; --banking77), the demo tenants' help articles (5), and every article of
 *    --distractors (a JSONL of {id, title, text}, e.g. the rest of the WixQA corpus,
 *    which is not shipped here) — the nearer in domain, the harder.
 * Each knowledge base is ingested as one tenant through the real pipeline (upload -> job
 * -> chunks); every question goes through retrieve() (hybrid search, k = 5) and the
 * figures are recall@5, hit@5 and MRR of the cited article ids. Uses the configured
 * embedder (named in the result; the local MiniLM with no API key), and the hash embedder
 * too when another is configured.
 * Data stays outside the repository: --wixqa (default ../shared/eval/wixqa-dev.jsonl).
 *
 *   npm run bench:wixqa-recall -- [--wixqa FILE] [--banking77 FILE] [--distractors FILE]
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { parseCommandLine } from "@/eval/lib/args";
import { parseCsv } from "@/eval/lib/csv";
import { BANKING77_CSV, WIXQA_DEV_JSONL } from "@/eval/lib/datasets";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { createRunTenant } from "@/eval/lib/tenants";
import { OFFLINE_EMBEDDING_MODEL_ID } from "@/lib/ai/offline-embedder";
import { getEmbedder, hashEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { systemClaims, visitorClaims } from "@/lib/db/claims";
import { withService, withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { retrieve } from "@/lib/rag/retrieve";

const K = 5;

const USAGE = `Usage: npm run bench:wixqa-recall -- [options]
  --wixqa FILE       WixQA dev questions and cited articles (default ../shared/eval/wixqa-dev.jsonl beside the repository)
  --banking77 FILE   banking77 phrasings, one distractor article per intent (default ../shared/eval/banking77-train.csv)
  --distractors FILE more distractor articles, JSONL of {id, title, text} (default none)`;

const flags = z.object({
  wixqa: z.string().default(WIXQA_DEV_JSONL),
  banking77: z.string().default(BANKING77_CSV),
  distractors: z.string().optional(),
});

type Flags = z.infer<typeof flags>;

interface WixQaRow {
  id: string;
  question: string;
  article_ids: string[];
  contexts: Array<{ id: string; title?: string; url?: string; text: string }>;
}

type Article = WixQaRow["contexts"][number];

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

/** Articles no question cites: banking77 intents, the demo help articles, --distractors. */
function loadDistractors(cited: Set<string>, files: Flags): { articles: Article[]; sources: Record<string, number> } {
  const banking = files.banking77;
  const byIntent = new Map<string, string[]>();
  for (const row of parseCsv(readFileSync(banking, "utf8"), { file: banking, onError: "skip", required: ["text", "category"] }).rows) {
    byIntent.set(row.value.category, [...(byIntent.get(row.value.category) ?? []), row.value.text]);
  }
  const bankingArticles = [...byIntent].map(([intent, texts]) => ({
    id: `banking77:${intent}`,
    title: intent.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()),
    text: `Questions customers ask about this:\n\n${texts.slice(0, 40).map((t) => `- ${t}`).join("\n")}`,
  }));
  const demoDir = path.resolve(import.meta.dirname, "../lib/tenants/demo-kb");
  const demo = readdirSync(demoDir).flatMap((tenant) =>
    readdirSync(path.join(demoDir, tenant)).map((file) => {
      const text = readFileSync(path.join(demoDir, tenant, file), "utf8");
      return { id: `demo:${tenant}/${file}`, title: text.split("\n")[0].replace(/^#\s*/, ""), text };
    }),
  );
  const extraFile = files.distractors;
  const extra = extraFile ? readJsonl<Article>(extraFile).filter((a) => !cited.has(a.id)) : [];
  return {
    articles: [...bankingArticles, ...demo, ...extra],
    sources: { banking77_intents: bankingArticles.length, demo_help_articles: demo.length, wixqa_distractors_file: extra.length },
  };
}

/** The article as Markdown: its title as the top heading, then its text. */
function articleMarkdown(article: WixQaRow["contexts"][number]): string {
  const title = article.title ?? article.text.split("\n")[0];
  const body = article.text.startsWith(title) ? article.text.slice(title.length).trim() : article.text;
  return `# ${title}\n\n${body}`;
}

/** Ingests the articles as a new tenant with the current embedder and asks every question. */
async function evaluate(rows: WixQaRow[], articles: Map<string, Article>) {
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
    articles: articles.size,
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

/** Both knowledge bases with the current embedder. */
async function evaluateBoth(rows: WixQaRow[], cited: Map<string, Article>, distractors: Article[]) {
  const cited_only = await evaluate(rows, cited);
  const with_distractors = await evaluate(rows, new Map([...cited, ...distractors.map((a) => [a.id, a] as const)]));
  return { embedder: cited_only.embedder, with_distractors, cited_only };
}

async function main() {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const rows = readJsonl<WixQaRow>(args.wixqa);
  const cited = new Map(rows.flatMap((r) => r.contexts.map((c) => [c.id, c] as const)));
  const distractors = loadDistractors(new Set(cited.keys()), args);
  const db = await startRunDatabase("bench", { separateProcess: true });
  console.error(`wixqa-recall on ${db.kind}: ${rows.length} questions, ${cited.size} cited articles, ${distractors.articles.length} distractors`);
  const configured = await evaluateBoth(rows, cited, distractors.articles);
  let offline = configured;
  if (configured.embedder !== OFFLINE_EMBEDDING_MODEL_ID) {
    // A model is configured: also measure the offline embedder on the same data.
    setEmbedderForTests(hashEmbedder);
    offline = await evaluateBoth(rows, cited, distractors.articles);
    setEmbedderForTests(undefined);
  }
  emitResult({
    name: "wixqa-recall",
    database: db.kind,
    questions: rows.length,
    cited_articles: cited.size,
    distractor_articles: distractors.articles.length,
    distractor_sources: distractors.sources,
    k: K,
    embedder: configured.embedder,
    recall_at_5_with_distractors: configured.with_distractors.recall_at_5,
    recall_at_5_cited_articles_only: configured.cited_only.recall_at_5,
    configured,
    ...(configured === offline ? {} : { offline }),
  });
}

runCli(USAGE, main);
