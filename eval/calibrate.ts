/**
 * `npm run eval:calibrate -- --answers <eval:answers out.jsonl> --questions <questions.jsonl>`
 *
 * Fits the offline answerer's confidence model (lib/ai/answer-calibration.ts) on the
 * evidence an eval:answers run recorded, on a tune split of the questions, and reports
 * what it would do on the held-out test split (answered correctly, escalation
 * precision/recall, token F1) beside the calibration the product uses now.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { calibrationFor, type Calibration } from "@/lib/ai/answer-calibration";
import { runCli } from "./lib/lifecycle";
import { fitOn, scoreAsRun, simulate, splitQuestions, type CalibrationRecord, type SimulatedScore } from "./lib/calibration-split";
import { numberFlag, parseCommandLine } from "./lib/args";
import { readTextFile } from "./lib/input";
import { parseJsonl } from "./lib/jsonl";
import { loadQuestions } from "./lib/questions";

const USAGE = `Usage: npm run eval:calibrate -- --answers <out.jsonl> --questions <questions.jsonl> [options]
  --test-share X   share of questions held out for the report (default 0.5)
  --seed N         which questions are held out (default 1)
  --threshold X    the tenant's confidence threshold to simulate (default 0.7)`;

const flags = z.object({
  answers: z.string({ message: "--answers is required" }),
  questions: z.string({ message: "--questions is required" }),
  "test-share": numberFlag({ min: 0.1, max: 0.9 }).default(0.5),
  seed: numberFlag({ int: true }).default(1),
  threshold: numberFlag({ min: 0, max: 1 }).default(0.7),
});

const recordSchema = z.object({
  id: z.string(),
  outcome: z.string(),
  answer: z.string().default(""),
  cited_ids: z.array(z.string()).default([]),
  draft: z.string().nullable().default(null),
  draft_cited_ids: z.array(z.string()).default([]),
  evidence: z
    .object({
      topSimilarity: z.number(),
      meanTopSimilarity: z.number(),
      passageSimilarity: z.number(),
      textAgreement: z.number(),
      termCoverage: z.number(),
      headingSimilarity: z.number(),
    })
    .nullable()
    .default(null),
});

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);

function line(name: string, s: SimulatedScore): string {
  const e = s.escalation;
  return `${name.padEnd(26)} answered ${String(s.answered).padStart(3)}/${s.questions}  correct ${pct(s.answeredCorrect).padStart(6)}  escalation P/R ${pct(e.precision)} / ${pct(e.recall)}  token F1 ${s.tokenF1?.toFixed(3) ?? "–"}`;
}

async function embedderOf(answersFile: string): Promise<string> {
  const summary = JSON.parse(await readFile(answersFile.replace(/\.jsonl$/, ".summary.json"), "utf8").catch(() => "{}")) as { context?: { embedder?: string } };
  return summary.context?.embedder ?? "unknown";
}

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const { questions } = await loadQuestions(args.questions, "fail");
  const parsed = parseJsonl(await readTextFile(args.answers, "answers file"), recordSchema, { file: args.answers, onError: "fail" });
  const records = new Map<string, CalibrationRecord>(parsed.records.map((r) => [r.value.id, r.value]));
  const embedder = await embedderOf(args.answers);
  const { tune, test } = splitQuestions(questions, args["test-share"], args.seed);
  console.log(`Embedder ${embedder}; tune ${tune.length} / test ${test.length} questions; threshold ${args.threshold}\n`);
  console.log(line("as run, tune", scoreAsRun(tune, records)));
  console.log(line("as run, test", scoreAsRun(test, records)));
  if (![...records.values()].some((r) => r.evidence)) {
    console.log("\nThis run recorded no answerer evidence (a language model answered, or an older build): nothing to fit.");
    return 0;
  }
  const fitted = fitOn(tune, records, `${args.questions} tune split (seed ${args.seed}, ${tune.length} questions), embedder ${embedder}`);
  const current: Calibration = calibrationFor(embedder);
  console.log(line("current, tune", simulate(tune, records, current, args.threshold)));
  console.log(line("current, test", simulate(test, records, current, args.threshold)));
  console.log(line("fitted, tune", simulate(tune, records, fitted, args.threshold)));
  console.log(line("fitted, test (held out)", simulate(test, records, fitted, args.threshold)));
  console.log(`\nFitted calibration for "${embedder}" (lib/ai/answer-calibration.ts):\n${JSON.stringify(fitted, null, 2)}`);
  return 0;
}

runCli(USAGE, main);
