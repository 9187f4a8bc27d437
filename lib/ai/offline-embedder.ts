import { EMBEDDING_DIMENSIONS } from "./vector";

export { EMBEDDING_DIMENSIONS };

/**
 * Recorded per tenant next to its vectors. Any change to the features, word lists,
 * weights or hashing below changes every vector, so it must bump this id (which makes
 * the tenant's content re-embed instead of mixing incompatible vectors).
 */
export const OFFLINE_EMBEDDING_MODEL_ID = "offline-hash-v1";

/*
 * A deterministic lexical embedder: feature hashing of word unigrams, word bigrams
 * and in-word character n-grams into a fixed-width signed vector. It needs no model
 * files and no network, so the product runs offline and CI is reproducible. It
 * captures shared wording, inflections and typos, not meaning: near-paraphrases
 * score high, reworded questions score much lower than with a neural model, which
 * is why cache thresholds are calibrated per embedding model.
 *
 * Each feature group is L2-normalised on its own before weighting, so long words
 * (many character n-grams) cannot drown out the word features. Weights were tuned
 * on banking77 paraphrases used as semantic-cache keys.
 */
const GROUP_WEIGHTS = { unigram: 1.25, charGram: 1, bigram: 0.75 } as const;
const CHAR_GRAM_MIN = 3;
const CHAR_GRAM_MAX = 5;

// Word-class weights for unigrams: function words say little about what is asked.
const STOP_WORD_WEIGHT = 0.2;
const FILLER_WORD_WEIGHT = 0.15;
// Question words still separate "why is X needed" from "how do I do X".
const QUESTION_WORD_WEIGHT = 0.5;

const STOP_WORDS = toSet(
  "a an the i me my mine we us our ours you your yours he him his she her it its they them their " +
    "is are was were be been being am do does did doing have has had having " +
    "to of in on at for with from by as into about over than then so if or and but " +
    "this that these those there here can could would should will shall may might must " +
    "please just some any also very too really get got s ve re ll d m",
);
// Words every support question is padded with, whatever it is about.
const FILLER_WORDS = toSet(
  "way want wanted wants need needs needed like know tell still yet already now today again " +
    "ever even only much many more most one thing something anything possible able going go make made " +
    "hi hello hey thanks thank ok okay sure think guess wonder wondering",
);
const QUESTION_WORDS = toSet("how what why when where who which whom whose");

// A few general support-vocabulary synonyms folded onto one spelling before stemming.
const SYNONYM_GROUPS = [
  "get receive obtain acquire",
  "buy purchase",
  "cancel terminate",
  "refund reimburse reimbursement",
  "problem issue trouble error",
  "broken damaged",
  "wrong incorrect",
  "decline declined reject rejected refuse refused deny denied",
  "change modify edit alter",
  "help assist assistance support",
  "phone mobile cellphone smartphone",
  "app application",
  "child children kid kids son daughter",
  "start begin",
  "finish end complete",
  "show display appear",
  "use utilize utilise",
  "delete remove erase",
  "fast quick quickly rapid",
  "lost misplaced",
  "stolen theft steal stole",
  "arrive arrived arrival",
  "deliver delivered delivery",
  "money funds fund",
];
const SYNONYMS = new Map<string, string>(
  SYNONYM_GROUPS.flatMap((group) => {
    const words = group.split(" ");
    return words.map((w): [string, string] => [w, words[0]]);
  }),
);

// "can't" → "can not": negation is kept as its own word because it often flips the intent.
const NEGATED_BASES: Record<string, string> = { can: "can", won: "will", shan: "shall", ain: "is" };

function toSet(words: string): Set<string> {
  return new Set(words.split(" "));
}

/** Lower-cased, accent-folded (Latin only, other scripts keep their marks) word tokens. */
function tokenize(text: string): string[] {
  const normalised = text
    .normalize("NFKD")
    .replace(/(\p{Script=Latin})\p{Mn}+/gu, "$1")
    .toLowerCase()
    .replace(/[’‘`]/g, "'");
  const tokens: string[] = [];
  for (const match of normalised.matchAll(/[\p{L}\p{N}]+(?:'\p{L}+)*/gu)) {
    let token = match[0];
    if (token.endsWith("n't")) {
      const base = token.slice(0, -3);
      tokens.push(NEGATED_BASES[base] ?? base, "not");
      continue;
    }
    if (token === "cannot") tokens.push("can", "not");
    else if (token === "unable") tokens.push("not", "able");
    else {
      const apostrophe = token.indexOf("'");
      if (apostrophe > 0) token = token.slice(0, apostrophe);
      tokens.push(token);
    }
  }
  return tokens;
}

const HAS_VOWEL = /[aeiouy]/;

/**
 * A light English suffix stripper (Porter-like, far smaller): plural, -ed, -ing, -ly,
 * -ation, final e, and y→i, so "verify/verified/verifies/verifying" meet. Non-ASCII
 * and short words are left alone. Character n-grams catch what it misses.
 */
function stemWord(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let s = word;
  if (s.endsWith("ies") && s.length > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (/(?:[sxz]|ch|sh)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith("s") && !/(?:ss|us|is)$/.test(s)) s = s.slice(0, -1);

  if (s.endsWith("ied") && s.length > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("eed")) {
    if (s.length > 4) s = s.slice(0, -1);
  } else if (s.endsWith("ed") && s.length >= 5 && HAS_VOWEL.test(s.slice(0, -2))) s = undouble(s.slice(0, -2));
  else if (s.endsWith("ing") && s.length >= 6 && HAS_VOWEL.test(s.slice(0, -3))) s = undouble(s.slice(0, -3));
  else if (s.endsWith("ly") && s.length >= 6 && !s.endsWith("ply")) s = s.slice(0, -2);

  if (s.endsWith("ation") && s.length >= 8) s = s.slice(0, -5) + "ate";
  if (s.endsWith("e") && s.length > 3) s = s.slice(0, -1);
  if (/[^aeiou]y$/.test(s)) s = s.slice(0, -1) + "i";
  return s;
}

/** "stopp" → "stop", but "fall", "pass", "buzz" keep their double letter. */
function undouble(s: string): string {
  return /([^aeioulsz])\1$/.test(s) ? s.slice(0, -1) : s;
}

/** FNV-1a followed by murmur3's finaliser: FNV alone mixes short keys' low bits poorly. */
function hashFeature(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** feature → [occurrences, class weight] within one feature group. */
type FeatureCounts = Map<string, [number, number]>;

function countFeature(group: FeatureCounts, key: string, weight: number): void {
  const entry = group.get(key);
  if (entry) {
    entry[0] += 1;
    entry[1] = Math.max(entry[1], weight);
  } else group.set(key, [1, weight]);
}

function wordWeight(token: string): number {
  if (STOP_WORDS.has(token)) return STOP_WORD_WEIGHT;
  if (FILLER_WORDS.has(token)) return FILLER_WORD_WEIGHT;
  if (QUESTION_WORDS.has(token)) return QUESTION_WORD_WEIGHT;
  return 1;
}

/** Adds one group, normalised to length `groupWeight`, with sublinear tf and signed hashing. */
function addGroup(vector: Float64Array, tag: string, group: FeatureCounts, groupWeight: number): void {
  let sumSquares = 0;
  for (const [count, weight] of group.values()) sumSquares += ((1 + Math.log(count)) * weight) ** 2;
  if (sumSquares === 0) return;
  const scale = groupWeight / Math.sqrt(sumSquares);
  for (const [key, [count, weight]] of group) {
    const h = hashFeature(tag + key);
    const value = (1 + Math.log(count)) * weight * scale;
    // Signed hashing: colliding features cancel on average instead of piling up.
    vector[(h & 0x7fffffff) % EMBEDDING_DIMENSIONS] += h & 0x80000000 ? -value : value;
  }
}

/**
 * Embeds a text as an L2-normalised vector of EMBEDDING_DIMENSIONS numbers. A text
 * with no words (empty, blank, punctuation only) gives the zero vector, whose
 * cosine similarity with anything is 0, so it can never be a cache hit.
 */
export function embedOffline(text: string): number[] {
  const vector = new Float64Array(EMBEDDING_DIMENSIONS);
  const tokens = tokenize(text);
  if (tokens.length > 0) {
    const unigrams: FeatureCounts = new Map();
    const charGrams: FeatureCounts = new Map();
    const bigrams: FeatureCounts = new Map();
    const stems = tokens.map((t) => stemWord(SYNONYMS.get(t) ?? t));
    tokens.forEach((token, i) => {
      const weight = wordWeight(token);
      countFeature(unigrams, stems[i], weight);
      // Function words' n-grams would make unrelated sentences look alike.
      if (weight === 1) addCharGrams(charGrams, `<${token}>`);
      if (i > 0) countFeature(bigrams, `${stems[i - 1]} ${stems[i]}`, 1);
    });
    addGroup(vector, "w:", unigrams, GROUP_WEIGHTS.unigram);
    addGroup(vector, "c:", charGrams, GROUP_WEIGHTS.charGram);
    addGroup(vector, "b:", bigrams, GROUP_WEIGHTS.bigram);
  }
  return normalise(vector);
}

export function embedOfflineMany(texts: string[]): number[][] {
  return texts.map(embedOffline);
}

/** Character n-grams of a word wrapped in boundary markers, so prefixes and suffixes count. */
function addCharGrams(group: FeatureCounts, marked: string): void {
  for (let n = CHAR_GRAM_MIN; n <= Math.min(CHAR_GRAM_MAX, marked.length); n++) {
    for (let i = 0; i + n <= marked.length; i++) countFeature(group, marked.slice(i, i + n), 1);
  }
}

function normalise(vector: Float64Array): number[] {
  let sumSquares = 0;
  for (const x of vector) sumSquares += x * x;
  const norm = Math.sqrt(sumSquares);
  return Array.from(vector, (x) => (norm === 0 ? 0 : x / norm));
}
