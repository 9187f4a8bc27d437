/*
 * Splits a knowledge-base passage into the units an extractive answer is made of:
 * sentences, list steps (kept with their order) and the lead-in lines that introduce
 * them. Headings, link labels and other filler never become units.
 */

export type UnitKind = "sentence" | "step" | "lead";

export interface PassageUnit {
  text: string;
  kind: UnitKind;
  /** Reading order within the passage. */
  position: number;
  /** Which paragraph (line) of the passage it is in: a point carries on within one. */
  paragraph: number;
  /** The Markdown heading above it within the passage, if any. */
  heading: string | null;
}

const LIST_MARKER = /^\s*(?:[-*•+]|\d{1,2}[.)]|step\s+\d{1,2}\s*[:|.)-]?)\s+/i;
// "e.g. Foo", "Mr. Smith": a period after these does not end a sentence.
const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|no|approx|incl)\.$/i;
const LABEL = /^(?:important|note|tip|warning|notes|tips)\s*:\s*/i;
const FILLER = /^(?:learn more|get started|read more|click here|see (?:also|more)|watch (?:the )?video|show me how|was this (?:article )?helpful)\b.{0,20}$/i;
const MIN_CHARS = 18;
const MIN_WORDS = 4;

/** Markdown emphasis, code ticks and link targets removed; link labels kept. */
function plain(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/[*_`]{1,3}|^>\s*/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Sentence boundaries: terminal punctuation followed by a space and a capital or digit,
 * or glued to the next sentence ("channels.To get started"), as scraped help-center
 * text often is. Abbreviations and decimals ("1.5") do not split.
 */
export function splitSentences(line: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  const boundary = /[.!?]+["')\]]?(?=\s+["'(\[]?[A-Z0-9]|[A-Z][a-z])/g;
  for (const match of line.matchAll(boundary)) {
    const end = match.index + match[0].length;
    const candidate = line.slice(start, end);
    const glued = line[end] !== undefined && !/\s/.test(line[end]);
    // A glued boundary needs a lower-case letter before the period ("channels.To"), not "U.S.A".
    if (glued && !/[a-z]{2}[.!?]$/.test(candidate)) continue;
    if (ABBREVIATIONS.test(candidate)) continue;
    pieces.push(candidate.trim());
    start = end;
  }
  pieces.push(line.slice(start).trim());
  return pieces.filter(Boolean);
}

/** A short line without a verb-ish ending is a heading, not an answer ("Get started", "Wix Stores: About"). */
function isHeadingLike(text: string): boolean {
  if (/[.!?:]$/.test(text)) return false;
  return text.split(/\s+/).length <= 12;
}

export function isFiller(text: string): boolean {
  if (text.length < MIN_CHARS || text.split(/\s+/).length < MIN_WORDS) return true;
  if (FILLER.test(text)) return true;
  // A FAQ heading ("How do I ...?") restates the question instead of answering it.
  return text.endsWith("?");
}

/** The passage's units in reading order; a leading copy of its title is not one of them. */
export function splitPassage(content: string, title = ""): PassageUnit[] {
  const units: PassageUnit[] = [];
  const trimmed = content.trimStart();
  if (title && trimmed.startsWith(title)) content = trimmed.slice(title.length);
  let paragraph = -1;
  let heading: string | null = null;
  const push = (text: string, kind: UnitKind) => units.push({ text, kind, position: units.length, paragraph, heading });
  for (const rawLine of content.split(/\n+/)) {
    paragraph++;
    const headingLine = /^\s*#{1,6}\s+(.*)$/.exec(rawLine);
    if (headingLine) {
      heading = plain(headingLine[1]) || heading;
      continue;
    }
    const isStep = LIST_MARKER.test(rawLine);
    const line = plain(rawLine.replace(LIST_MARKER, "")).replace(LABEL, "");
    if (!line) continue;
    if (isStep) {
      if (line.length >= 8) push(line, "step");
      continue;
    }
    // Chunks repeat their heading as a plain first line, and FAQ headings are questions.
    if (isHeadingLike(line) || (line.endsWith("?") && splitSentences(line).length === 1 && line.split(/\s+/).length <= 15)) {
      heading = line;
      continue;
    }
    for (const sentence of splitSentences(line)) {
      const text = sentence.replace(LABEL, "");
      if (text.endsWith(":") && text.length >= MIN_CHARS) push(text, "lead");
      else if (!isFiller(text)) push(text, "sentence");
    }
  }
  return units;
}
