import type { PassageUnit } from "./passage-units";
import { cosineSimilarity } from "./vector";

/*
 * The pure half of the offline answerer: given each unit's similarity to the question,
 * choose the units that answer it, drop repeats, and write them out as a clean answer
 * with one citation marker per source.
 */

export interface ScoredUnit {
  /** Index of the passage (retrieved chunk) the unit comes from. */
  passage: number;
  unit: PassageUnit;
  /** Cosine similarity between the question and the unit. */
  similarity: number;
  /** The unit's embedding, for near-duplicate detection. */
  vector: number[];
}

/** Units above this share of the best unit's similarity may join it in the answer. */
const SAME_PASSAGE_RATIO = 0.75;
const OTHER_PASSAGE_RATIO = 0.95;
/** Sentences after the best one, in its paragraph, that carry on its point. */
const FOLLOW_ON = 2;
/** A paragraph this short is one answer (an FAQ entry), taken whole. */
const SHORT_PARAGRAPH = 4;
const MAX_SENTENCES = 5;
const MAX_STEPS = 8;
const MAX_CHARS = 1_000;
/** Two units this close in meaning say the same thing (overlapping chunks repeat sentences). */
export const DUPLICATE_SIMILARITY = 0.92;

const normalised = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/** Keeps the first of every group of units that repeat each other, by text or by meaning. */
export function dedupeUnits<T extends Pick<ScoredUnit, "unit" | "vector">>(units: readonly T[]): T[] {
  const kept: T[] = [];
  for (const candidate of units) {
    const text = normalised(candidate.unit.text);
    const repeats = kept.some((k) => {
      const other = normalised(k.unit.text);
      return other === text || other.includes(text) || text.includes(other) || cosineSimilarity(k.vector, candidate.vector) >= DUPLICATE_SIMILARITY;
    });
    if (!repeats) kept.push(candidate);
  }
  return kept;
}

/** The list a step belongs to: its lead-in line (if any) and the run of steps around it. */
function stepRun(units: readonly ScoredUnit[], at: ScoredUnit): ScoredUnit[] {
  const same = units.filter((u) => u.passage === at.passage).sort((a, b) => a.unit.position - b.unit.position);
  let i = same.indexOf(at);
  if (at.unit.kind === "lead") i++;
  else while (i > 0 && same[i - 1].unit.kind === "step") i--;
  const run: ScoredUnit[] = [];
  if (i > 0 && same[i - 1].unit.kind === "lead") run.push(same[i - 1]);
  for (let j = i; j < same.length && same[j].unit.kind === "step" && run.length <= MAX_STEPS; j++) run.push(same[j]);
  // A lead-in with no steps after it introduces nothing.
  return run.some((u) => u.unit.kind === "step") ? run : [];
}

/**
 * The best sentence's paragraph carries its point: a short paragraph (an FAQ answer)
 * is taken whole, a long one for the next FOLLOW_ON sentences after the best.
 */
function carryOn(units: readonly ScoredUnit[], best: ScoredUnit): ScoredUnit[] {
  if (best.unit.kind !== "sentence") return [];
  const paragraph = units
    .filter((u) => u.passage === best.passage && u.unit.paragraph === best.unit.paragraph && u.unit.kind === "sentence")
    .sort((a, b) => a.unit.position - b.unit.position);
  if (paragraph.length <= SHORT_PARAGRAPH) return paragraph;
  const at = paragraph.indexOf(best);
  return paragraph.slice(at + 1, at + 1 + FOLLOW_ON);
}

/** The best unit always; prose after it only while the answer stays short (step lists stay whole). */
function withinBudget(units: ScoredUnit[]): ScoredUnit[] {
  let length = 0;
  return units.filter((u, i) => {
    if (i > 0 && u.unit.kind === "sentence" && length + u.unit.text.length > MAX_CHARS) return false;
    length += u.unit.text.length;
    return true;
  });
}

/**
 * The units that answer the question, in the order they will be read: the best unit
 * by similarity (its passage weighted by retrieval), the next-best units of the same
 * passage, a unit of another passage only when it is nearly as close, its paragraph
 * when short, else the sentences right after it, and whole step lists when a step or
 * its lead-in is chosen. Repeats are dropped.
 */
export function pickUnits(units: readonly ScoredUnit[], passageWeight: (passage: number) => number = () => 0): ScoredUnit[] {
  const candidates = units.filter((u) => u.unit.kind !== "lead" || units.some((s) => s.passage === u.passage && s.unit.kind === "step"));
  if (candidates.length === 0) return [];
  const score = (u: ScoredUnit) => u.similarity + passageWeight(u.passage);
  const ranked = [...candidates].sort((a, b) => score(b) - score(a));
  const best = ranked[0];
  if (best.similarity <= 0) return [];
  const chosen = ranked.filter(
    (u) =>
      u === best ||
      (u.passage === best.passage && u.similarity >= SAME_PASSAGE_RATIO * best.similarity) ||
      (u.passage !== best.passage && u.similarity >= OTHER_PASSAGE_RATIO * best.similarity),
  );
  const sentences = dedupeUnits(chosen).slice(0, MAX_SENTENCES);
  sentences.push(...carryOn(units, best));
  const withSteps = sentences.flatMap((u) => (u.unit.kind === "sentence" ? [u] : stepRun(units, u)));
  const picked = withinBudget(dedupeUnits(withSteps));
  // Passages in the order they were chosen, units in reading order within each.
  const passageOrder = [...new Set(picked.map((u) => u.passage))];
  return picked.sort((a, b) => passageOrder.indexOf(a.passage) - passageOrder.indexOf(b.passage) || a.unit.position - b.unit.position);
}

export interface AnswerGroup {
  /** 1-based citation number of the source the units come from. */
  citation: number;
  units: PassageUnit[];
}

/**
 * Writes the answer as pieces that concatenate to its text (the stream sends them one
 * by one): each source's sentences as one paragraph ending with its citation marker,
 * steps as a numbered list.
 */
export function assembleAnswer(groups: readonly AnswerGroup[]): string[] {
  const pieces: string[] = [];
  for (const group of groups) {
    let step = 0;
    let previous: PassageUnit["kind"] | null = null;
    let wrote = false;
    for (const unit of group.units) {
      const separator = !pieces.length ? "" : previous === null ? "\n\n" : unit.kind === "step" || previous !== "sentence" ? "\n" : " ";
      const text = unit.kind === "step" ? `${++step}. ${unit.text}` : unit.text;
      pieces.push(separator + text);
      previous = unit.kind;
      wrote = true;
    }
    if (wrote) pieces.push(` [${group.citation}]`);
  }
  return pieces;
}
