import type { RetrievedChunk } from "@/lib/rag/types";

/*
 * The offline answerer: what answers when no language model is configured. It does not
 * imitate one. It judges relevance and confidence from retrieval evidence only (fused
 * score, vector similarity, whether full-text search found the chunk too, and which of
 * the question's terms a chunk contains), and answers by quoting the sentences of the
 * relevant chunks that share most terms with the question, citing them. Every answer it
 * gives is labelled "offline mode".
 */

const STOP_WORDS = new Set(
  (
    "a an the i me my mine we us our you your he him his she her it its they them their " +
    "is are was were be been being am do does did have has had to of in on at for with from by as " +
    "into about over than then so if or and but not no this that these those there here " +
    "can could would should will shall may might must please just some any also very too " +
    "how what why when where who which whom whose long much many often way want need like know tell get got " +
    "hi hello hey thanks thank ok okay anyone possible able happen happens find"
  ).split(" "),
);

/** A light suffix stripper so "reset/resets/resetting" and "password/passwords" meet. */
function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let s = word;
  if (s.endsWith("ies") && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (/(?:x|ch|sh|ss)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith("s") && !/(?:ss|us|is)$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith("ing") && s.length >= 6) s = s.slice(0, -3);
  else if (s.endsWith("ed") && s.length >= 5) s = s.slice(0, -2);
  else if (s.endsWith("ly") && s.length >= 6) s = s.slice(0, -2);
  if (/([^aeiouls])\1$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith("e") && s.length > 4) s = s.slice(0, -1);
  return s;
}

/** The content terms of a text: lower-cased, stop words dropped, stemmed. */
export function contentTerms(text: string): Set<string> {
  const terms = new Set<string>();
  const normalised = text.normalize("NFKD").replace(/\p{Mn}+/gu, "").toLowerCase();
  for (const [word] of normalised.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    terms.add(stem(word));
  }
  return terms;
}

function overlap(question: Set<string>, text: Set<string>): number {
  if (question.size === 0) return 0;
  let shared = 0;
  for (const term of question) if (text.has(term)) shared++;
  return shared / question.size;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Cosine similarity mapped to 0..1. The range was read off the offline embedder, which
 * scores a short question against a long chunk far below 1 even when they match.
 */
function similarityScore(similarity: number | null): number {
  return clamp01(((similarity ?? 0) - 0.08) / 0.3);
}

export interface GradedChunk {
  chunk: RetrievedChunk;
  /** 0..1 from term overlap, vector similarity and full-text agreement. */
  relevance: number;
  relevant: boolean;
}

const RELEVANCE_MIN = 0.35;

/** Grades each retrieved chunk for the question, most relevant first. */
export function gradeOffline(question: string, chunks: RetrievedChunk[]): GradedChunk[] {
  const terms = contentTerms(question);
  return chunks
    .map((chunk) => {
      const termOverlap = overlap(terms, contentTerms(`${chunk.title} ${chunk.content}`));
      const relevance =
        0.55 * termOverlap + 0.3 * similarityScore(chunk.vectorSimilarity) + 0.15 * (chunk.textRank !== null ? 1 : 0);
      // A chunk sharing none of the question's terms is never relevant, whatever its vector says.
      return { chunk, relevance, relevant: termOverlap > 0 && relevance >= RELEVANCE_MIN };
    })
    .sort((a, b) => b.relevance - a.relevance);
}

/**
 * Confidence 0..1 that the relevant chunks answer the question: how many of its terms
 * they cover (together and in the best chunk), how close the best one is by vector, and
 * whether vector and full-text search agree on it. Calibrated so that a question the
 * knowledge base does not cover lands well below 0.7 and a well-covered one above.
 */
export function retrievalConfidence(question: string, relevant: RetrievedChunk[]): number {
  if (relevant.length === 0) return 0;
  const terms = contentTerms(question);
  if (terms.size === 0) return 0;
  const perChunk = relevant.map((c) => overlap(terms, contentTerms(`${c.title} ${c.content}`)));
  const union = overlap(terms, contentTerms(relevant.map((c) => `${c.title} ${c.content}`).join(" ")));
  const best = relevant.reduce((a, b) => ((b.vectorSimilarity ?? 0) > (a.vectorSimilarity ?? 0) ? b : a));
  const agreement = relevant.some((c) => c.vectorRank !== null && c.textRank !== null && c.vectorRank <= 3 && c.textRank <= 3)
    ? 1
    : relevant.some((c) => c.vectorRank !== null && c.textRank !== null)
      ? 0.5
      : 0;
  // Coverage counts squared: an answer missing one of three things asked is not two-thirds right.
  const confidence =
    0.45 * union ** 2 + 0.15 * Math.max(...perChunk) ** 2 + 0.25 * similarityScore(best.vectorSimilarity) + 0.15 * agreement;
  return Math.round(clamp01(confidence) * 1000) / 1000;
}

export interface ExtractiveAnswer {
  text: string;
  /** The chunks quoted, in citation order: [1] is quoted[0]. */
  quoted: RetrievedChunk[];
}

const MAX_SENTENCES = 3;
const MAX_ANSWER_CHARS = 900;

function sentencesOf(content: string): string[] {
  return content
    .replace(/^#{1,6}\s+.*$/gm, " ")
    .replace(/[*_`>]+/g, "")
    .split(/(?<=[.!?])\s+|\n{2,}|\n(?=\s*[-•\d])/)
    .map((s) => s.replace(/\s+/g, " ").replace(/^[-•]\s*/, "").trim())
    .filter((s) => s.length >= 12);
}

/**
 * Quotes the sentences of the relevant chunks that share most terms with the question,
 * each followed by the number of the chunk it came from.
 */
export function answerOffline(question: string, relevant: RetrievedChunk[]): ExtractiveAnswer {
  const terms = contentTerms(question);
  const all = relevant.slice(0, 3).flatMap((chunk, chunkRank) =>
    sentencesOf(chunk.content).map((sentence, position) => ({
      chunk,
      sentence,
      position,
      // Earlier chunks and earlier sentences win ties: they tend to state the point.
      score: overlap(terms, contentTerms(sentence)) - chunkRank * 0.01 - position * 0.001,
    })),
  );
  // A FAQ heading ("How do I ...?") restates the question instead of answering it.
  const statements = all.filter((c) => !c.sentence.trim().endsWith("?"));
  const candidates = statements.length > 0 ? statements : all;
  const picked = candidates
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES);
  if (picked.length === 0 && candidates.length > 0) picked.push(candidates[0]);
  // The sentence after the best one usually carries on its point (steps, conditions).
  const best = picked[0];
  const next = best && candidates.find((c) => c.chunk === best.chunk && c.position === best.position + 1);
  if (next && !picked.includes(next)) picked.push(next);

  const quoted: RetrievedChunk[] = [];
  const lines: string[] = [];
  let length = 0;
  // Keep each chunk's sentences in their original reading order.
  for (const candidate of candidates.filter((c) => picked.includes(c))) {
    if (length + candidate.sentence.length > MAX_ANSWER_CHARS && lines.length > 0) break;
    if (!quoted.includes(candidate.chunk)) quoted.push(candidate.chunk);
    lines.push(`${candidate.sentence} [${quoted.indexOf(candidate.chunk) + 1}]`);
    length += candidate.sentence.length;
  }
  if (lines.length === 0) return { text: "", quoted: [] };
  return { text: `From our documentation:\n\n${lines.join("\n\n")}`, quoted };
}
