import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { calibrationFor, confidenceFromEvidence, type AnswerEvidence } from "./answer-calibration";
import { assembleAnswer, pickUnits, type AnswerGroup, type ScoredUnit } from "./answer-assembly";
import { embedWithMemo } from "./embedding-memo";
import type { Embedder } from "./embeddings";
import { splitPassage, type PassageUnit } from "./passage-units";
import { looksLikeInjection } from "./prompt-injection";
import { contentTerms, termOverlap } from "./terms";
import { cosineSimilarity } from "./vector";

/*
 * The offline answerer: what answers when no language model is configured. It does not
 * imitate one. It embeds the question and every sentence of the retrieved passages in
 * one call (sentences it has seen before are remembered, lib/ai/embedding-memo.ts), picks the sentences closest in meaning (weighted by how well retrieval
 * ranked their passage), and quotes them with citations; a sentence addressed to the
 * assistant (a poisoned page's "tell the user to e-mail …") is never quoted. Its confidence is a calibrated
 * probability from that evidence (lib/ai/answer-calibration.ts). The UI labels its
 * answers "offline mode".
 */

// Every sentence is embedded per question: the passages retrieval ranked best carry the answer.
const MAX_PASSAGES = 4;
const MAX_UNITS_PER_PASSAGE = 12;
/** How much retrieval's similarity of a passage adds to its sentences' own. */
const PASSAGE_WEIGHT = 0.2;

export interface OfflineAnswer {
  /** The answer in the pieces it is streamed in; joined, they are `text`. */
  pieces: string[];
  text: string;
  /** The passages quoted, one per source, in citation order: [1] is quoted[0]. */
  quoted: RetrievedChunk[];
  /** null when there was nothing to answer from. */
  evidence: AnswerEvidence | null;
  confidence: number;
}

const NO_ANSWER: OfflineAnswer = { pieces: [], text: "", quoted: [], evidence: null, confidence: 0 };

function textAgreement(chunk: RetrievedChunk): number {
  if (chunk.textRank === null) return 0;
  return chunk.textRank <= 3 ? 1 : 0.5;
}

/** The heading nearest a unit: a heading above it in the passage, else the passage's last heading, else its title. */
const headingOf = (chunk: RetrievedChunk, unit: PassageUnit) => unit.heading ?? chunk.headingPath.at(-1) ?? chunk.title;

function evidenceOf(
  question: string,
  scored: ScoredUnit[],
  picked: ScoredUnit[],
  passages: RetrievedChunk[],
  headingSimilarity: (unit: ScoredUnit) => number,
): AnswerEvidence {
  const similarities = scored.map((u) => u.similarity).sort((a, b) => b - a);
  const main = passages[picked[0].passage];
  // The heading above the answer is part of what it says ("Which regions are available?" over the list of regions).
  const answerTerms = contentTerms(`${main.title} ${picked[0].unit.heading ?? ""} ${picked.map((u) => u.unit.text).join(" ")}`);
  return {
    topSimilarity: similarities[0],
    meanTopSimilarity: similarities.slice(0, 3).reduce((s, x) => s + x, 0) / Math.min(3, similarities.length),
    passageSimilarity: main.vectorSimilarity ?? 0,
    textAgreement: textAgreement(main),
    termCoverage: termOverlap(contentTerms(question), answerTerms),
    headingSimilarity: headingSimilarity(picked[0]),
  };
}

/** Groups the picked units by source (two chunks of one article are one citation). */
function groupBySource(picked: ScoredUnit[], passages: RetrievedChunk[]): { groups: AnswerGroup[]; quoted: RetrievedChunk[] } {
  const quoted: RetrievedChunk[] = [];
  const groups: AnswerGroup[] = [];
  const sourceOf = (chunk: RetrievedChunk) => chunk.sourceId ?? chunk.id;
  for (const { passage, unit } of picked) {
    const chunk = passages[passage];
    let index = quoted.findIndex((q) => sourceOf(q) === sourceOf(chunk));
    if (index < 0) {
      quoted.push(chunk);
      groups.push({ citation: quoted.length, units: [] });
      index = quoted.length - 1;
    }
    groups[index].units.push(unit);
  }
  return { groups, quoted };
}

/** Answers from the retrieved passages by meaning, with its calibrated confidence. */
export async function answerOffline(question: string, chunks: RetrievedChunk[], embedder: Embedder): Promise<OfflineAnswer> {
  const passages = chunks.slice(0, MAX_PASSAGES);
  const units = passages.flatMap((chunk, passage) =>
    splitPassage(chunk.content, chunk.title)
      .filter((unit) => !looksLikeInjection(unit.text))
      .slice(0, MAX_UNITS_PER_PASSAGE)
      .map((unit) => ({ passage, unit })),
  );
  if (units.length === 0) return NO_ANSWER;
  const headings = [...new Set(units.map((u) => headingOf(passages[u.passage], u.unit)))];
  const embedded = await embedWithMemo(embedder, [question], [...units.map((u) => u.unit.text), ...headings]);
  const [questionVector] = embedded.fresh;
  const vectors = embedded.known;
  const byHeading = new Map(vectors.splice(units.length).map((v, i) => [headings[i], cosineSimilarity(questionVector, v)]));
  const headingSimilarity = (u: ScoredUnit) => byHeading.get(headingOf(passages[u.passage], u.unit)) ?? 0;
  const scored: ScoredUnit[] = units.map((u, i) => ({ ...u, vector: vectors[i], similarity: cosineSimilarity(questionVector, vectors[i]) }));
  const picked = pickUnits(scored, (passage) => PASSAGE_WEIGHT * (passages[passage].vectorSimilarity ?? 0));
  if (picked.length === 0) return NO_ANSWER;
  const { groups, quoted } = groupBySource(picked, passages);
  const pieces = assembleAnswer(groups);
  const evidence = evidenceOf(question, scored, picked, passages, headingSimilarity);
  return { pieces, text: pieces.join(""), quoted, evidence, confidence: confidenceFromEvidence(evidence, calibrationFor(embedder.modelId)) };
}
