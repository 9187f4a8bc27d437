/**
 * The key that makes two phrasings "the same question" for upserts: case, spacing and
 * punctuation do not matter ("How do I reset my password?" = "how do i reset my
 * password"). Paraphrases are the embedding's job, not the key's.
 */
export function normalizeQuestion(question: string): string {
  const key = question
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  // A question made only of punctuation still needs a stable, non-empty key.
  return key || question.trim().toLowerCase();
}
