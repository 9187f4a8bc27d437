import { z } from "zod";
import type { OnError } from "./args";
import { InputError, readTextFile, type LineIssue } from "./input";
import { dropDuplicateIds, parseJsonl } from "./jsonl";

const idSchema = z.union([z.string().trim().min(1), z.number()]).transform(String);

export const questionSchema = z.object({
  id: idSchema,
  question: z.string().trim().min(1, "question is empty"),
  expect_escalation: z.boolean().optional(),
  article_ids: z.array(idSchema).optional(),
  answer: z.string().optional(),
});
export type Question = z.infer<typeof questionSchema>;

/** Reads `--questions` (JSONL), dropping or failing on malformed lines and repeated ids. */
export async function loadQuestions(file: string, onError: OnError): Promise<{ questions: Question[]; issues: LineIssue[] }> {
  const options = { file, onError };
  const parsed = dropDuplicateIds(parseJsonl(await readTextFile(file, "questions file"), questionSchema, options), options);
  if (parsed.records.length === 0) throw new InputError("no usable question", file);
  return { questions: parsed.records.map((r) => r.value), issues: parsed.issues };
}
