import type { ExtractedDocument, Section } from "./extract";

export type Chunk = { content: string; headingPath: string[]; page: number | null; index: number };

export type ChunkOptions = { targetTokens?: number; overlapTokens?: number };

/**
 * Sizes are counted in words, not model tokens: English prose averages about 0.75
 * words per token (OpenAI's rule of thumb), close enough for retrieval chunks and
 * free of a tokenizer dependency. Code and non-Latin scripts run more tokens per
 * word, so their chunks come out somewhat larger in real tokens.
 */
const WORDS_PER_TOKEN = 0.75;
const DEFAULT_TARGET_TOKENS = 300;
const DEFAULT_OVERLAP_TOKENS = 50;
// Headings beyond this share of a chunk are cut short so body text always fits.
const MAX_HEADING_SHARE = 0.25;

/** A sentence (or a word window of an over-long sentence) with the separator that precedes it. */
type Piece = { text: string; words: number; separator: string };

export function chunkDocument(doc: ExtractedDocument, opts?: ChunkOptions): Chunk[] {
  return [...chunkSections(doc.sections, opts)];
}

/**
 * Chunks sections as they come, holding at most one unfinished chunk, so a long PDF
 * can be fed page by page. Chunks never span a page or a top-level heading; small
 * sections under the same top-level heading share a chunk rather than leaving
 * fragments. Consecutive chunks of one section overlap by up to `overlapTokens`.
 */
export function chunkSections(sections: Iterable<Section>, opts: ChunkOptions = {}): Generator<Chunk> {
  // Validated here, not inside the generator, so bad options fail at the call site.
  return generateChunks(sections, resolveSizes(opts));
}

function* generateChunks(
  sections: Iterable<Section>,
  { maxWords, overlapWords }: { maxWords: number; overlapWords: number },
): Generator<Chunk> {
  let index = 0;
  let open: OpenChunk | null = null;
  const emit = (chunk: OpenChunk): Chunk => ({ ...chunk.render(), index: index++ });

  for (const section of sections) {
    const heading = headingLine(section, maxWords);
    const pieces = splitPieces(stripLeadingHeading(section.text, heading), maxWords - overlapWords - heading.words);
    if (pieces.length === 0) continue;
    const sectionWords = heading.words + pieces.reduce((sum, p) => sum + p.words, 0);
    if (open && open.accepts(section) && open.words + sectionWords <= maxWords) {
      open.appendSection(section, heading, pieces);
      continue;
    }
    if (open) yield emit(open);
    open = new OpenChunk(section, heading);
    for (const piece of pieces) {
      if (open.hasBody() && open.words + piece.words > maxWords) {
        const overlap = open.tail(overlapWords);
        yield emit(open);
        open = new OpenChunk(section, heading);
        for (const p of overlap) open.add(p);
      }
      open.add(piece);
    }
  }
  if (open) yield emit(open);
}

function resolveSizes(opts: ChunkOptions): { maxWords: number; overlapWords: number } {
  const targetTokens = opts.targetTokens ?? DEFAULT_TARGET_TOKENS;
  const overlapTokens = opts.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!(targetTokens >= 20)) throw new RangeError("targetTokens must be at least 20.");
  if (!(overlapTokens >= 0 && overlapTokens <= targetTokens / 2)) {
    throw new RangeError("overlapTokens must be between 0 and half of targetTokens.");
  }
  return {
    maxWords: Math.floor(targetTokens * WORDS_PER_TOKEN),
    overlapWords: Math.floor(overlapTokens * WORDS_PER_TOKEN),
  };
}

type Heading = { text: string; words: number };

/** The nearest heading, repeated at the top of each chunk so full-text search sees it. */
function headingLine(section: Section, maxWords: number): Heading {
  const words = (section.headingPath.at(-1) ?? "").split(/\s+/).filter(Boolean);
  const kept = words.slice(0, Math.floor(maxWords * MAX_HEADING_SHARE));
  return { text: kept.join(" "), words: kept.length };
}

/** Drops a heading the extractor left as the section's first line, so it is not repeated. */
function stripLeadingHeading(text: string, heading: Heading): string {
  const trimmed = text.trim();
  if (!heading.text || !trimmed.startsWith(heading.text)) return trimmed;
  const rest = trimmed.slice(heading.text.length);
  return rest === "" || rest.startsWith("\n") ? rest.trim() : trimmed;
}

/** Paragraphs, then sentences, then word windows of at most `maxPieceWords`: never a cut inside a word. */
function splitPieces(text: string, maxPieceWords: number): Piece[] {
  const pieces: Piece[] = [];
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    splitSentences(paragraph).forEach((sentence, s) => {
      const words = sentence.text.split(/\s+/);
      for (let start = 0; start < words.length; start += maxPieceWords) {
        const window = words.slice(start, start + maxPieceWords);
        const separator = pieces.length === 0 ? "" : start > 0 ? " " : s === 0 ? "\n\n" : sentence.separator;
        // A sentence kept whole keeps its own line breaks (lists, code); a cut one is re-spaced.
        const pieceText = window.length === words.length ? sentence.text : window.join(" ");
        pieces.push({ text: pieceText, words: window.length, separator });
      }
    });
  }
  return pieces;
}

/** Splits after ., ! or ? (and closing quotes or brackets) followed by whitespace. */
function splitSentences(paragraph: string): Array<{ text: string; separator: string }> {
  const sentences: Array<{ text: string; separator: string }> = [];
  let separator = "";
  let start = 0;
  for (const match of paragraph.matchAll(/[.!?…]+["'”’)\]]*(\s+)/g)) {
    const end = match.index + match[0].length - match[1].length;
    sentences.push({ text: paragraph.slice(start, end).trim(), separator });
    separator = match[1].includes("\n") ? "\n" : " ";
    start = match.index + match[0].length;
  }
  sentences.push({ text: paragraph.slice(start).trim(), separator });
  return sentences.filter((s) => s.text !== "");
}

class OpenChunk {
  private readonly pieces: Piece[] = [];
  private readonly page: number | null;
  private headingPath: string[];
  private topLevel: string | undefined;
  private headingText: string;
  words: number;

  constructor(section: Section, heading: Heading) {
    this.page = section.page;
    this.headingPath = section.headingPath;
    this.topLevel = section.headingPath[0];
    this.headingText = heading.text;
    this.words = heading.words;
  }

  /** Only sections on the same page under the same top-level heading may share a chunk. */
  accepts(section: Section): boolean {
    return section.page === this.page && section.headingPath[0] === this.topLevel;
  }

  hasBody(): boolean {
    return this.pieces.length > 0;
  }

  add(piece: Piece): void {
    this.pieces.push(piece);
    this.words += piece.words;
  }

  appendSection(section: Section, heading: Heading, pieces: Piece[]): void {
    this.headingPath = commonPrefix(this.headingPath, section.headingPath);
    if (heading.text) this.add({ text: heading.text, words: heading.words, separator: "\n\n" });
    pieces.forEach((piece, i) => this.add(i === 0 ? { ...piece, separator: "\n\n" } : piece));
  }

  /**
   * The trailing pieces that fit in `overlapWords`, or the last words of the last
   * piece; never more than half the body, so no chunk merely repeats its predecessor.
   */
  tail(overlapWords: number): Piece[] {
    const bodyWords = this.pieces.reduce((sum, p) => sum + p.words, 0);
    const maxWords = Math.min(overlapWords, Math.floor(bodyWords / 2));
    if (maxWords === 0) return [];
    const kept: Piece[] = [];
    let words = 0;
    for (let i = this.pieces.length - 1; i >= 0 && words + this.pieces[i].words <= maxWords; i--) {
      kept.unshift(this.pieces[i]);
      words += this.pieces[i].words;
    }
    if (kept.length > 0) return kept;
    const last = this.pieces[this.pieces.length - 1].text.split(/\s+/).filter(Boolean);
    const text = last.slice(-maxWords).join(" ");
    return [{ text, words: Math.min(maxWords, last.length), separator: "" }];
  }

  render(): Omit<Chunk, "index"> {
    const body = this.pieces.map((p, i) => (i === 0 ? p.text : p.separator + p.text)).join("");
    const content = this.headingText ? `${this.headingText}\n\n${body}` : body;
    return { content, headingPath: this.headingPath, page: this.page };
  }
}

function commonPrefix(a: string[], b: string[]): string[] {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}
