/**
 * `npm run eval:answers -- --kb <path> --questions <file> --out <file> [--tenant <slug>] [--url <app>]`
 *
 * Ingests a knowledge base into a fresh tenant through the product's ingestion path, asks
 * every question through the chat API (in this process, or a running app with --url), and
 * scores outcomes, retrieval/citation recall, escalation, answer overlap and latency.
 */
import path from "node:path";
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { getChatModel } from "@/lib/ai/providers";
import { startRunDatabase } from "./lib/run-database";
import { runCli, wasInterrupted } from "./lib/lifecycle";
import { createRunTenant, removeStaleRunTenants, runSlug } from "./lib/tenants";
import { readRunDetails } from "./lib/answer-details";
import { answersReportHtml, answersSummaryText, type RunContext } from "./lib/answers-report";
import { summarizeAnswers, type AnswerRecord } from "./lib/answers-summary";
import { numberFlag, onErrorSchema, parseCommandLine, UsageError } from "./lib/args";
import { askOnce, httpTransport, inProcessTransport } from "./lib/chat-client";
import { ingestKb } from "./lib/ingest-kb";
import { formatIssues } from "./lib/input";
import { loadKb } from "./lib/kb";
import { DEFAULT_OUT_DIR, sidePaths, toJsonl, writeText } from "./lib/output";
import { loadQuestions, type Question } from "./lib/questions";
import { isRedteamRun, REDTEAM_USAGE, runRedteam } from "./redteam/run";

const USAGE = `Usage: npm run eval:answers -- --kb <file.jsonl|folder> --questions <file.jsonl> [options]
  --out FILE              one JSONL line per question; summary and HTML report beside it
                          (default ${DEFAULT_OUT_DIR}/answers.jsonl)
  --tenant SLUG           name of the fresh tenant (created as eval-SLUG, deleted at the end)
  --url URL               ask a running app over HTTP instead of in this process; needs
                          DATABASE_URL and DATABASE_ADMIN_URL of that app's database
  --k N                   k of recall@k (default 5)
  --limit N               ask only the first N questions
  --on-error skip|fail    what a malformed input line does (default fail)`;

const flags = z.object({
  kb: z.string({ message: "--kb is required" }),
  questions: z.string({ message: "--questions is required" }),
  out: z.string().default(path.join(DEFAULT_OUT_DIR, "answers.jsonl")),
  tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be lowercase letters, digits and dashes").optional(),
  url: z.string().url().optional(),
  k: numberFlag({ int: true, min: 1 }).default(5),
  limit: numberFlag({ int: true, min: 1 }).optional(),
  "on-error": onErrorSchema.default("fail"),
});

async function askAll(questions: Question[], ask: (q: Question) => Promise<AnswerRecord>): Promise<AnswerRecord[]> {
  const records: AnswerRecord[] = [];
  for (const question of questions) {
    if (wasInterrupted()) break;
    records.push(await ask(question));
    const r = records[records.length - 1];
    console.log(`  [${records.length}/${questions.length}] ${r.id}: ${r.outcome} in ${Math.round(r.latency_ms)} ms${r.error ? ` (${r.error})` : ""}`);
  }
  return records;
}

async function main(): Promise<number> {
  if (isRedteamRun(process.argv.slice(2))) return runRedteam(process.argv.slice(2));
  const args = parseCommandLine(process.argv.slice(2), flags);
  if (args.url && !(process.env.DATABASE_URL && process.env.DATABASE_ADMIN_URL)) {
    throw new UsageError("--url needs DATABASE_URL and DATABASE_ADMIN_URL of the app's database (to create the tenant and index the KB).");
  }
  // Inputs are read and checked before any database or tenant exists.
  const kb = await loadKb(args.kb, args["on-error"]);
  const loaded = await loadQuestions(args.questions, args["on-error"]);
  for (const line of [...formatIssues(args.kb, kb.issues), ...formatIssues(args.questions, loaded.issues)]) console.warn(line);
  if (kb.ignored.length) console.warn(`Ignored ${kb.ignored.length} file(s) that are not .md/.txt/.pdf/.html.`);
  const questions = loaded.questions.slice(0, args.limit);

  const database = args.url ? "the app's" : (await startRunDatabase("eval")).kind;
  const stale = await removeStaleRunTenants("eval");
  if (stale.length) console.log(`Removed ${stale.length} tenant(s) left by interrupted runs.`);
  const tenant = await createRunTenant("eval", { slug: args.tenant ? runSlug("eval", args.tenant) : undefined, name: "Answer evaluation" });
  console.log(`Indexing ${kb.docs.length} documents into tenant ${tenant.slug}…`);
  const ingested = await ingestKb(tenant.id, kb.docs, { runJobs: !args.url });
  for (const f of ingested.failed.slice(0, 10)) console.warn(`  not indexed: ${f.id}: ${f.error}`);

  const transport = args.url ? httpTransport(args.url) : await inProcessTransport();
  console.log(`Asking ${questions.length} questions…`);
  const records = await askAll(questions, async (q) => {
    const reply = await askOnce(transport, tenant.widgetKey, q.question).catch((error: Error) => ({
      outcome: "error" as const, answer: "", conversationId: null, metadata: {}, ttfbMs: null, latencyMs: 0, error: error.message,
    }));
    const details = reply.conversationId ? await readRunDetails(tenant.id, reply.conversationId, ingested.kbIdBySource) : null;
    const meta = reply.metadata as { confidence?: number | null; modelCalls?: number };
    return {
      id: q.id,
      outcome: reply.outcome,
      answer: reply.answer,
      // An escalated reply shows the bridge message, not the draft: it cites nothing.
      cited_ids: reply.outcome === "escalated" ? [] : (details?.citedIds ?? []),
      confidence: details?.confidence ?? meta.confidence ?? null,
      latency_ms: Math.round(reply.latencyMs * 10) / 10,
      ttfb_ms: reply.ttfbMs === null ? null : Math.round(reply.ttfbMs * 10) / 10,
      model_calls: details?.modelCalls ?? meta.modelCalls ?? null,
      retrieved_ids: details?.retrievedIds ?? [],
      escalation_reason: details?.escalationReason ?? null,
      error: reply.error,
      draft_cited_ids: details?.citedIds ?? [],
      draft: details?.draft ?? null,
      evidence: details?.evidence ?? null,
      ttft_ms: details?.generation?.ttftMs ?? null,
      tokens_per_second: details?.generation?.tokensPerSecond ?? null,
    };
  });

  const summary = summarizeAnswers(questions, records, args.k);
  const context: RunContext = {
    mode: args.url ? `http ${args.url}` : "in-process",
    chatModel: args.url ? "the app's" : getChatModel().id,
    embedder: args.url ? "the app's" : getEmbedder().modelId,
    database,
    kb: { documents: kb.docs.length, ready: ingested.ready, failed: ingested.failed.length, ms: ingested.ms },
  };
  const side = sidePaths(args.out);
  await writeText(args.out, toJsonl(records));
  await writeText(side.summary, JSON.stringify({ ...summary, context, notIndexed: ingested.failed, skippedLines: { kb: kb.issues, questions: loaded.issues } }, null, 2) + "\n");
  await writeText(side.report, answersReportHtml(summary, questions, records, context));
  console.log(`\n${answersSummaryText(summary, context)}\n\nWrote ${args.out}, ${side.summary}, ${side.report}`);
  return wasInterrupted() ? 130 : 0;
}

runCli(`${USAGE}\n\n${REDTEAM_USAGE}`, main);
