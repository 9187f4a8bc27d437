/*
 * Content terms of a text (lower-cased, stop words dropped, lightly stemmed): the
 * lexical side of the evidence, beside the embedder's meaning.
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

/** Share of the question's terms found in the text. */
export function termOverlap(question: Set<string>, text: Set<string>): number {
  if (question.size === 0) return 0;
  let shared = 0;
  for (const term of question) if (text.has(term)) shared++;
  return shared / question.size;
}

