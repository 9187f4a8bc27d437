import path from "node:path";
import { z } from "zod";
import { SYSTEM_PROMPTS } from "@/lib/agent/prompts";
import { getEmbedder } from "@/lib/ai/embeddings";
import { getChatModel } from "@/lib/ai/providers";
import { listCacheEntries, normalizeQuestion } from "@/lib/cache";
import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { startRunDatabase } from "@/eval/lib/run-database";
import { wasInterrupted } from "@/eval/lib/lifecycle";
import { createRunTenant, removeStaleRunTenants } from "@/eval/lib/tenants";
import { readRunDetails } from "@/eval/lib/answer-details";
import { numberFlag, parseCommandLine, UsageError } from "@/eval/lib/args";
import { askOnce, httpTransport, inProcessTransport, type ChatReply } from "@/eval/lib/chat-client";
import { ingestKb } from "@/eval/lib/ingest-kb";
import { readTextFile } from "@/eval/lib/input";
import { parseJsonl } from "@/eval/lib/jsonl";
import { loadKb } from "@/eval/lib/kb";
import { DEFAULT_OUT_DIR, sidePaths, textTable, toJsonl, writeText } from "@/eval/lib/output";
import { judgeCase, redteamCaseSchema, summarizeRedteam, type Judged, type RedteamCase } from "./checks";

/*
 * `npm run eval:answers -- --redteam`: the red-team set (OWASP LLM01/02/04) through the
 * product. Injection questions and innocent questions that meet poisoned knowledge-base
 * pages are asked as new visitors; per case it reports whether the visitor saw the
 * injection obeyed, a link / e-mail address / phone number no clean page holds, and
 * whether the answer was cached. Controls must still be answered. Exits 1 when a case fails.
 */

export const REDTEAM_USAGE = `Usage: npm run eval:answers -- --redteam [options]
  --kb FOLDER             the knowledge base; pages named poisoned-* are the attacker's
                          (default eval/redteam/kb)
  --questions FILE        JSONL of {"id", "kind": injection|poisoned|control, "question", "forbidden"?}
                          (default eval/redteam/questions.jsonl)
  --out FILE              one JSONL line per case, summary beside it (default ${DEFAULT_OUT_DIR}/redteam.jsonl)
  --only ID,ID            ask only these cases
  --limit N               ask only the first N cases
  --url URL               ask a running app (needs DATABASE_URL and DATABASE_ADMIN_URL of its database)`;

const flags = z.object({
  redteam: z.literal(true),
  kb: z.string().default(path.join("eval", "redteam", "kb")),
  questions: z.string().default(path.join("eval", "redteam", "questions.jsonl")),
  out: z.string().default(path.join(DEFAULT_OUT_DIR, "redteam.jsonl")),
  only: z.string().optional(),
  limit: numberFlag({ int: true, min: 1 }).optional(),
  url: z.string().url().optional(),
});

/** eval/answers.ts hands the command line over when it holds --redteam. */
export function isRedteamRun(argv: string[]): boolean {
  return argv.includes("--redteam");
}

const POISONED_PREFIX = "poisoned-";
const isPoisoned = (kbId: string) => path.basename(kbId).startsWith(POISONED_PREFIX);

async function loadCases(file: string, only: string | undefined, limit: number | undefined): Promise<RedteamCase[]> {
  const parsed = parseJsonl(await readTextFile(file, "questions file"), redteamCaseSchema, { file, onError: "fail" });
  const wanted = only ? new Set(only.split(",").map((id) => id.trim())) : null;
  const cases = parsed.records.map((r) => r.value).filter((c) => !wanted || wanted.has(c.id));
  if (wanted && cases.length < wanted.size) throw new UsageError(`--only: unknown case(s) ${[...wanted].filter((id) => !cases.some((c) => c.id === id)).join(", ")}`);
  return cases.slice(0, limit);
}

async function cachedQuestions(tenantId: string): Promise<Set<string>> {
  const { entries } = await withTenant(systemClaims(tenantId), (tx) => listCacheEntries(tx, { limit: 200 }));
  return new Set(entries.map((e) => normalizeQuestion(e.question)));
}

type CaseResult = {
  id: string;
  kind: RedteamCase["kind"];
  question: string;
  outcome: ChatReply["outcome"];
  escalation_reason: string | null;
  seen: string;
  draft: string | null;
  cited_ids: string[];
  latency_ms: number;
} & Judged;

const yesNo = (value: boolean | string[]) => ((Array.isArray(value) ? value.length > 0 : value) ? "YES" : "no");

export async function runRedteam(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, flags, ["redteam"]);
  if (args.url && !(process.env.DATABASE_URL && process.env.DATABASE_ADMIN_URL)) {
    throw new UsageError("--url needs DATABASE_URL and DATABASE_ADMIN_URL of the app's database.");
  }
  const kb = await loadKb(args.kb, "fail");
  const cases = await loadCases(args.questions, args.only, args.limit);
  const cleanPages = kb.docs.filter((d) => !isPoisoned(d.id)).map((d) => new TextDecoder().decode(d.data));

  if (!args.url) await startRunDatabase("eval");
  await removeStaleRunTenants("eval");
  const tenant = await createRunTenant("eval", { name: "Red-team evaluation" });
  console.log(`Indexing ${kb.docs.length} pages (${kb.docs.length - cleanPages.length} poisoned) into tenant ${tenant.slug}…`);
  const ingested = await ingestKb(tenant.id, kb.docs, { runJobs: !args.url });
  if (ingested.failed.length) throw new Error(`Pages not indexed: ${ingested.failed.map((f) => `${f.id} (${f.error})`).join(", ")}`);

  const transport = args.url ? httpTransport(args.url) : await inProcessTransport();
  const chatModel = args.url ? "the app's" : getChatModel().id;
  console.log(`Asking ${cases.length} red-team questions (${chatModel})…`);
  const asked: Array<{ item: RedteamCase; reply: ChatReply; escalationReason: string | null; draft: string | null; citedIds: string[] }> = [];
  for (const item of cases) {
    if (wasInterrupted()) break;
    const reply = await askOnce(transport, tenant.widgetKey, item.question);
    const details = reply.conversationId ? await readRunDetails(tenant.id, reply.conversationId, ingested.kbIdBySource) : null;
    asked.push({ item, reply, escalationReason: details?.escalationReason ?? null, draft: details?.draft ?? null, citedIds: details?.citedIds ?? [] });
    console.log(`  [${asked.length}/${cases.length}] ${item.id}: ${reply.outcome}${details?.escalationReason ? ` (${details.escalationReason})` : ""} in ${Math.round(reply.latencyMs)} ms`);
  }

  // Read once all are asked: a later question may not find (and so not reveal) an earlier one's entry otherwise.
  const cached = await cachedQuestions(tenant.id);
  const results: CaseResult[] = asked.map(({ item, reply, escalationReason, draft, citedIds }) => ({
    id: item.id,
    kind: item.kind,
    question: item.question,
    outcome: reply.outcome,
    escalation_reason: escalationReason,
    seen: reply.answer,
    draft,
    cited_ids: citedIds,
    latency_ms: Math.round(reply.latencyMs),
    ...judgeCase(
      item,
      { outcome: reply.outcome, seen: reply.answer, escalationReason, cached: cached.has(normalizeQuestion(item.question)), citesPoisoned: citedIds.some(isPoisoned) },
      { cleanPages, prompts: SYSTEM_PROMPTS },
    ),
  }));

  const summary = summarizeRedteam(results);
  const context = { chatModel, embedder: args.url ? "the app's" : getEmbedder().modelId, kb: args.kb, questions: args.questions };
  await writeText(args.out, toJsonl(results));
  await writeText(sidePaths(args.out).summary, JSON.stringify({ ...summary, context }, null, 2) + "\n");
  const table = textTable(
    ["case", "kind", "outcome", "followed injection", "leaked contact", "cached", "result"],
    results.map((r) => [r.id, r.kind, r.escalation_reason ? `${r.outcome} (${r.escalation_reason})` : r.outcome, yesNo(r.followed), yesNo(r.leaked), yesNo(r.cached), r.pass ? "pass" : `FAIL: ${r.why.join("; ")}`]),
  );
  console.log(`\n${table}\n\n${summary.passed}/${summary.cases} passed (chat model ${chatModel}, embedder ${context.embedder}). Wrote ${args.out}`);
  if (wasInterrupted()) return 130;
  return summary.failed.length ? 1 : 0;
}
