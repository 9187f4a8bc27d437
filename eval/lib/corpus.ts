import { seededRandom } from "./random";
/**
 * A deterministic synthetic corpus: a large made-up vocabulary drawn with a Zipf
 * distribution (a few very common words, a long tail of rare ones), as in real help
 * articles, so full-text selectivity and vector neighbourhoods look realistic.
 */
const SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "pel", "dor", "sa", "ni", "ber", "gu", "fa", "tem", "zo", "lin", "cra", "mu", "hes"];

function createVocabulary(size: number): string[] {
  const words: string[] = [];
  for (let i = 0; words.length < size; i++) {
    let n = i;
    let word = "";
    do {
      word += SYLLABLES[n % SYLLABLES.length];
      n = Math.floor(n / SYLLABLES.length);
    } while (n > 0);
    if (word.length >= 4) words.push(word);
  }
  return words;
}

/** Draws word ranks with P(rank r) proportional to 1 / r^s, by inverting the cumulative sum. */
function zipfSampler(size: number, rand: () => number, s = 1.05): () => number {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cumulative[r] = sum += 1 / (r + 1) ** s;
  return () => {
    const target = rand() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function createTextGenerator(seed: number, vocabularySize = 20_000) {
  const vocabulary = createVocabulary(vocabularySize);
  const rand = seededRandom(seed);
  const pick = zipfSampler(vocabulary.length, rand);
  return {
    rand,
    /** `words` words in sentences of 8-20 words. */
    paragraph(words: number): string {
      const out: string[] = [];
      let sentence = 0;
      let length = 8 + Math.floor(rand() * 12);
      for (let i = 0; i < words; i++) {
        let word = vocabulary[pick()];
        if (sentence === 0) word = word[0].toUpperCase() + word.slice(1);
        sentence++;
        if (sentence === length || i === words - 1) {
          word += ".";
          sentence = 0;
          length = 8 + Math.floor(rand() * 12);
        }
        out.push(word);
      }
      return out.join(" ");
    },
  };
}
