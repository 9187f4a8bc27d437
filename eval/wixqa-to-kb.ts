/**
 * Converts WixQA-style JSONL (`id, question, answer, article_ids, contexts[{id,title,url,text}]`)
 * into the evaluation formats: a knowledge base JSONL `{id, title, text, url}` (the union of
 * the contexts) and a questions JSONL `{id, question, answer, article_ids, expect_escalation}`.
 * `--hold-out N` removes the articles of N questions from the knowledge base (only
 * questions whose articles no other question cites), making them must-escalate cases.
 *
 *   npm run eval:wixqa-kb -- --in ../shared/eval/wixqa-dev.jsonl \
 *     --kb-out eval-out/wixqa/kb.jsonl --questions-out eval-out/wixqa/questions.jsonl --hold-out 5
 */
import { z } from "zod";
import { runCli } from "./lib/lifecycle";
import { numberFlag, onErrorSchema, parseCommandLine } from "./lib/args";
import { formatIssues, readTextFile } from "./lib/input";
import { parseJsonl } from "./lib/jsonl";
import { toJsonl, writeText } from "./lib/output";
import { convertWixqa, wixqaRecordSchema } from "./lib/wixqa";

const USAGE = `Usage: npm run eval:wixqa-kb -- --in <wixqa.jsonl> --kb-out <kb.jsonl> --questions-out <questions.jsonl> [options]
  --hold-out N           leave the articles of N questions out of the KB (they must escalate; default 0)
  --seed N               which questions are held out (default 1)
  --on-error skip|fail   what a malformed input line does (default fail)`;

const flags = z.object({
  in: z.string({ message: "--in is required" }),
  "kb-out": z.string({ message: "--kb-out is required" }),
  "questions-out": z.string({ message: "--questions-out is required" }),
  "hold-out": numberFlag({ int: true, min: 0 }).default(0),
  seed: numberFlag({ int: true }).default(1),
  "on-error": onErrorSchema.default("fail"),
});

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  const parsed = parseJsonl(await readTextFile(args.in, "WixQA file"), wixqaRecordSchema, { file: args.in, onError: args["on-error"] });
  for (const line of formatIssues(args.in, parsed.issues)) console.warn(line);
  const result = convertWixqa(
    parsed.records.map((r) => r.value),
    { holdOut: args["hold-out"], seed: args.seed },
  );
  await writeText(args["kb-out"], toJsonl(result.kb));
  await writeText(args["questions-out"], toJsonl(result.questions));
  console.log(
    `${result.kb.length} articles → ${args["kb-out"]}; ${result.questions.length} questions → ${args["questions-out"]} ` +
      `(${result.heldOutQuestions.length} must escalate: ${result.heldOutQuestions.join(", ") || "none"}; ${result.heldOutArticles} articles held out)`,
  );
  if (result.heldOutQuestions.length < args["hold-out"]) {
    console.warn(`Only ${result.heldOutQuestions.length} questions have articles no other question cites.`);
  }
}

runCli(USAGE, main);
