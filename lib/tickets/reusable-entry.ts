import "server-only";
import { canManageKnowledge } from "@/lib/auth/permissions";
import { normalizeQuestion } from "@/lib/cache/question-key";
import type { Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { assertNoPersonalData } from "@/lib/privacy/cache-guard";
import { namesFromConversation, redactPersonalData } from "@/lib/privacy/personal-data";

/** The generic question-and-answer pair staff may teach the cache when they resolve. */
export interface ReusableEntry {
  question: string;
  answer: string;
}

/**
 * Names the visitor revealed in a conversation (their messages and the address they
 * left), so "Hi Jane" is recognised as personal even where nothing else marks it.
 */
export async function conversationNames(tx: Tx, conversationId: string): Promise<string[]> {
  const { rows } = await tx.query<{ text: string | null }>(
    `select content as text from public.messages where conversation_id = $1 and sender_type = 'user'
     union all select user_email from public.conversations where id = $1
     union all select user_email from public.tickets where conversation_id = $1`,
    [conversationId],
  );
  return namesFromConversation(rows.map((r) => r.text));
}

/** The pre-filled entry: the visitor's question and the draft with personal data removed. */
export function suggestReusableEntry(question: string, answer: string, names: string[]): ReusableEntry {
  return { question: redactPersonalData(question, { names }), answer: redactPersonalData(answer, { names }) };
}

/**
 * Checks the entry before anything is sent: no personal data (422 listing it), and an
 * approved answer for the same question may only be replaced by someone allowed to
 * manage the cache (409, so the reply is not sent while the cache write would fail).
 * A ticket the caller cannot see is left to the claim, which answers 404.
 */
export async function checkReusableEntry(tx: Tx, ticketId: string, entry: ReusableEntry): Promise<void> {
  const { rows } = await tx.query<{ conversation_id: string }>("select conversation_id from public.tickets where id = $1", [ticketId]);
  if (!rows[0]) return;
  assertNoPersonalData(entry, await conversationNames(tx, rows[0].conversation_id));
  if (await canManageKnowledge(tx)) return;
  const existing = await tx.query("select 1 from public.cache_entries where question_key = $1", [normalizeQuestion(entry.question)]);
  if (existing.rowCount) {
    throw new AppError(
      "conflict",
      "The answer cache already has an answer for this question; only owners and admins can replace it. Send the reply without the reusable answer, or ask an admin.",
    );
  }
}
