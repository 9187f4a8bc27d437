/**
 * `npm run eval:local-llm-relevance -- [--data ../shared/eval/wixqa-dev.jsonl] [--limit 24] [--out FILE]`
 *
 * Calibrates the local LLM's relevance signal, P("Yes") to "do these passages contain the
 * answer?", on WixQA. Each article is shown with the question it answers (label yes) and
 * with the most similar other question (by shared words; label no, a hard negative). Both
 * prompts share the passage, so the second costs only the question's tokens. Articles are
 * split in two halves: the Platt calibration and a raw threshold are fitted on the first
 * half and reported on the second. Prints the constants to paste into relevance-calibration.ts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { env } from "@/lib/env";
import { ANSWER_SYSTEM, answerPrompt } from "@/lib/agent/prompts";
import { assertKnownChatModel, DEFAULT_LOCAL_LLM_ID, findLocalLlm, localLlmIdOf, localLlmPath } from "@/lib/ai/models/llm-manifest";
import { loadNodeLlamaEngine } from "@/lib/ai/local-llm/node-llama-engine";
import { calibrate, fitCalibration, relevanceTurns } from "@/lib/ai/local-llm/relevance";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { numberFlag, parseCommandLine } from "./lib/args";
import { WIXQA_DEV_JSONL } from "./lib/datasets";
import { readTextFile } from "./lib/input";
import { parseJsonl } from "./lib/jsonl";
import { runCli } from "./lib/lifecycle";
import { wixqaRecordSchema, type WixqaRecord } from "./lib/wixqa";

const USAGE = `Usage: npm run eval:local-llm-relevance -- [options]
  --data FILE      WixQA records (default ../shared/eval/wixqa-dev.jsonl beside the repository)
  --limit N        articles, each asked with its own and with another question (default 24, at least 4)
  --out FILE       the full result with every sample (default eval-out/local-llm-relevance.json)`;

const flags = z.object({
  data: z.string().default(WIXQA_DEV_JSONL),
  limit: numberFlag({ int: true, min: 4 }).default(24),
  out: z.string().default("eval-out/local-llm-relevance.json"),
});

/** About one retrieved chunk: the product's chunks are of this order. */
const PASSAGE_CHARS = 1_200;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []);
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.size));
}

function passageOf(record: WixqaRecord): RetrievedChunk {
  const context = record.contexts[0];
  return {
    id: context.id,
    sourceId: null,
    content: context.text.slice(0, PASSAGE_CHARS),
    title: context.title,
    url: null,
    page: null,
    headingPath: [],
    score: 1,
    vectorSimilarity: null,
    vectorRank: 1,
    textRank: 1,
  };
}

interface Sample {
  article: string;
  p: number;
  label: boolean;
}

function auc(samples: Sample[]): number {
  const pos = samples.filter((s) => s.label);
  const neg = samples.filter((s) => !s.label);
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a.p > b.p ? 1 : a.p === b.p ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

function confusion(samples: Sample[], score: (p: number) => number, threshold: number) {
  const tp = samples.filter((s) => s.label && score(s.p) >= threshold).length;
  const fp = samples.filter((s) => !s.label && score(s.p) >= threshold).length;
  const fn = samples.filter((s) => s.label && score(s.p) < threshold).length;
  const tn = samples.length - tp - fp - fn;
  return { tp, fp, fn, tn, accuracy: (tp + tn) / samples.length, precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const text = await readTextFile(args.data, "WixQA file");
  const records = parseJsonl(text, wixqaRecordSchema, { file: args.data, onError: "skip" })
    .records.map((r) => r.value)
    .filter((r) => r.contexts.length > 0);
  const seen = new Set<string>();
  const chosen = records.filter((r) => !seen.has(r.contexts[0].id) && seen.add(r.contexts[0].id)).slice(0, args.limit);

  const { CHAT_MODEL, MODELS_DIR, LOCAL_LLM_THREADS } = env();
  assertKnownChatModel(CHAT_MODEL);
  const id = localLlmIdOf(CHAT_MODEL) ?? DEFAULT_LOCAL_LLM_ID;
  const manifest = findLocalLlm(id)!;
  const engine = await loadNodeLlamaEngine({ modelId: id, modelPath: localLlmPath(manifest, MODELS_DIR), contextTokens: manifest.contextTokens, threads: LOCAL_LLM_THREADS || 1 });

  const samples: Sample[] = [];
  const started = Date.now();
  for (const [i, record] of chosen.entries()) {
    const own = words(record.question);
    const other = records
      .filter((r) => r.contexts[0].id !== record.contexts[0].id && !r.article_ids.includes(record.contexts[0].id))
      .sort((a, b) => overlap(own, words(b.question)) - overlap(own, words(a.question)))[0];
    const passage = [passageOf(record)];
    for (const [question, label] of [[record.question, true], [other.question, false]] as const) {
      const p = await engine.yesProbability(relevanceTurns(ANSWER_SYSTEM, answerPrompt(question, passage)));
      samples.push({ article: record.contexts[0].id, p, label });
    }
    const [yes, no] = samples.slice(-2);
    console.log(`${i + 1}/${chosen.length} own ${yes.p.toFixed(3)} other ${no.p.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }

  const half = Math.floor(chosen.length / 2);
  const tuneArticles = new Set(chosen.slice(0, half).map((r) => r.contexts[0].id));
  const tune = samples.filter((s) => tuneArticles.has(s.article));
  const report = samples.filter((s) => !tuneArticles.has(s.article));
  const calibration = fitCalibration(tune);
  const candidates = [...new Set(tune.map((s) => s.p))].sort((a, b) => a - b);
  const rawThreshold = candidates.reduce((best, t) => (confusion(tune, (p) => p, t).accuracy > confusion(tune, (p) => p, best).accuracy ? t : best), 0.5);
  const result = {
    model: id,
    articles: chosen.length,
    seconds: Math.round((Date.now() - started) / 1000),
    calibration,
    rawThreshold,
    tune: { n: tune.length, auc: auc(tune), meanOwn: mean(tune.filter((s) => s.label).map((s) => s.p)), meanOther: mean(tune.filter((s) => !s.label).map((s) => s.p)) },
    report: {
      n: report.length,
      auc: auc(report),
      meanOwn: mean(report.filter((s) => s.label).map((s) => s.p)),
      meanOther: mean(report.filter((s) => !s.label).map((s) => s.p)),
      atRawThreshold: confusion(report, (p) => p, rawThreshold),
      calibratedAt07: confusion(report, (p) => calibrate(p, calibration), 0.7),
      calibratedAt05: confusion(report, (p) => calibrate(p, calibration), 0.5),
    },
    samples,
  };
  await mkdir(path.dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(result, null, 2));
  console.log(JSON.stringify({ ...result, samples: undefined }, null, 2));
}

runCli(USAGE, main);
