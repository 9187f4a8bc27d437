import { z } from "zod";
import { seededRandom, shuffled } from "./random";

const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const wixqaRecordSchema = z.object({
  id: idSchema,
  question: z.string().trim().min(1),
  answer: z.string().optional(),
  article_ids: z.array(idSchema).default([]),
  contexts: z
    .array(z.object({ id: idSchema, title: z.string().default(""), url: z.string().optional(), text: z.string() }))
    .default([]),
});
export type WixqaRecord = z.infer<typeof wixqaRecordSchema>;

export interface KbArticle {
  id: string;
  title: string;
  text: string;
  url?: string;
}

export interface EvalQuestion {
  id: string;
  question: string;
  answer?: string;
  article_ids: string[];
  expect_escalation: boolean;
}

/**
 * The union of the records' contexts becomes the KB (first occurrence of an id wins).
 * Held-out questions are drawn (seeded) among those whose articles no other question
 * cites, so removing them turns exactly those questions into must-escalate cases.
 */
export function convertWixqa(records: readonly WixqaRecord[], options: { holdOut: number; seed: number }) {
  const articles = new Map<string, KbArticle>();
  const citedBy = new Map<string, Set<string>>();
  for (const record of records) {
    for (const c of record.contexts) {
      if (!articles.has(c.id)) articles.set(c.id, { id: c.id, title: c.title, text: c.text, ...(c.url ? { url: c.url } : {}) });
    }
    for (const id of new Set([...record.article_ids, ...record.contexts.map((c) => c.id)])) {
      citedBy.set(id, (citedBy.get(id) ?? new Set()).add(record.id));
    }
  }
  const exclusive = records.filter(
    (r) => r.article_ids.length > 0 && r.article_ids.every((id) => articles.has(id) && citedBy.get(id)!.size === 1),
  );
  const heldOut = shuffled(exclusive, seededRandom(options.seed)).slice(0, options.holdOut);
  const heldOutIds = new Set(heldOut.map((r) => r.id));
  const removed = new Set(heldOut.flatMap((r) => r.article_ids));
  const kb = [...articles.values()].filter((a) => !removed.has(a.id));
  const questions: EvalQuestion[] = records.map((r) => ({
    id: r.id,
    question: r.question,
    ...(r.answer ? { answer: r.answer } : {}),
    article_ids: r.article_ids,
    expect_escalation: heldOutIds.has(r.id),
  }));
  return { kb, questions, heldOutQuestions: [...heldOutIds], heldOutArticles: removed.size };
}
