/**
 * Finds personal data in text that is about to become reusable (a cache entry): e-mail
 * addresses, phone numbers, payment card numbers (Luhn-checked, and "card ending 4242"),
 * IBANs (mod-97 checked), account and reference numbers, and the names the conversation
 * revealed (the visitor's e-mail local part, "my name is …", "Hi …," greetings).
 * Pure and dependency-free: the Control Center's form uses it to pre-fill a redacted
 * entry, the server uses it to refuse one.
 */

export type PersonalDataKind = "email" | "phone" | "card" | "iban" | "account" | "name";

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  text: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
// A run of 8 to 19 digits, spaces or dashes allowed between them.
const DIGIT_RUN = /(?<![\p{L}\p{N}])\+?\d(?:[ .()-]{0,2}\d){6,18}(?![\p{L}\p{N}])/gu;
const CARD_ENDING = /\b(?:ending|ends|last (?:4|four)(?: digits)?)(?: in| with)?:?\s*(\d{4})\b/gi;
const ACCOUNT_WORDS =
  /\b(?:account|acct|invoice|order|customer|member|policy|contract|reference|ref|iban|card|ticket|booking|tracking)(?:\s+(?:no\.?|number|id|#))?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,})\b/gi;
const CODE_WITH_DIGITS = /\b[A-Z]{2,5}-?\d{3,}\b/g;
// No `i` flag on these two: it would make \p{Lu} match lower-case words too.
const NAME_INTRO = /\b(?:[Mm]y name is|I am|I'm|[Tt]his is)\s+(\p{Lu}[\p{L}'-]+)/gu;
const GREETING = /(?:^|[.!?\n]\s*)(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you),?\s+(\p{Lu}[\p{L}'-]+)/gmu;

/** Words a greeting or intro can be followed by that are not names. */
const NOT_NAMES = new Set([
  "there", "all", "team", "everyone", "sir", "madam", "support", "again", "so", "very", "a", "an", "the", "not", "sure",
  "new", "having", "trying", "looking", "unable", "getting", "still", "just", "from", "with", "in", "on", "customer",
]);

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(raw: string): boolean {
  const iban = raw.replace(/\s+/g, "").toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function classifyDigits(text: string): PersonalDataKind {
  const digits = text.replace(/\D/g, "");
  if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return "card";
  // Phone numbers are usually written with separators or a leading +; account numbers not.
  if (/^\+/.test(text.trim()) || /[ .()-]/.test(text.trim())) return digits.length <= 15 ? "phone" : "account";
  return digits.length >= 9 && digits.length <= 15 && /^0/.test(digits) ? "phone" : "account";
}

/** Names the conversation revealed: e-mail local parts, self-introductions and greetings. */
export function namesFromConversation(texts: Array<string | null | undefined>): string[] {
  const names = new Set<string>();
  const add = (candidate: string) => {
    const name = candidate.trim();
    if (name.length >= 2 && !NOT_NAMES.has(name.toLowerCase()) && /^\p{L}/u.test(name)) names.add(name);
  };
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(EMAIL)) {
      for (const part of match[0].split("@")[0].split(/[._+-]+/)) if (/^\p{L}{3,}$/u.test(part)) add(part);
    }
    for (const pattern of [NAME_INTRO, GREETING]) {
      for (const match of text.matchAll(pattern)) add(match[1]);
    }
  }
  return [...names];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every piece of personal data in the text, in order of appearance, without repeats. */
export function detectPersonalData(text: string, options: { names?: string[] } = {}): PersonalDataMatch[] {
  const found: Array<PersonalDataMatch & { index: number }> = [];
  const covered: Array<[number, number]> = [];
  const overlaps = (start: number, end: number) => covered.some(([s, e]) => start < e && end > s);
  const add = (kind: PersonalDataKind, value: string, index: number) => {
    if (overlaps(index, index + value.length)) return;
    covered.push([index, index + value.length]);
    found.push({ kind, text: value.trim(), index });
  };

  for (const m of text.matchAll(EMAIL)) add("email", m[0], m.index);
  for (const m of text.matchAll(IBAN)) if (ibanValid(m[0])) add("iban", m[0], m.index);
  for (const m of text.matchAll(DIGIT_RUN)) add(classifyDigits(m[0]), m[0], m.index);
  for (const m of text.matchAll(CARD_ENDING)) add("card", m[0], m.index);
  for (const m of text.matchAll(ACCOUNT_WORDS)) {
    if (/\d/.test(m[1])) add("account", m[1], m.index + m[0].lastIndexOf(m[1]));
  }
  for (const m of text.matchAll(CODE_WITH_DIGITS)) add("account", m[0], m.index);
  for (const name of new Set([...(options.names ?? []), ...namesFromConversation([text])])) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, "giu");
    for (const m of text.matchAll(pattern)) add("name", m[0], m.index);
  }

  const seen = new Set<string>();
  return found
    .sort((a, b) => a.index - b.index)
    .filter(({ kind, text: value }) => !seen.has(`${kind}:${value.toLowerCase()}`) && seen.add(`${kind}:${value.toLowerCase()}`))
    .map(({ kind, text: value }) => ({ kind, text: value }));
}

const PLACEHOLDER: Record<PersonalDataKind, string> = {
  email: "[email]",
  phone: "[phone]",
  card: "[card]",
  iban: "[account]",
  account: "[reference]",
  name: "",
};

/**
 * The text with personal data removed: numbers and addresses become placeholders staff
 * can see and rewrite, names are dropped ("Hi Jane, …" → "Hi, …").
 */
export function redactPersonalData(text: string, options: { names?: string[] } = {}): string {
  let result = text;
  for (const match of detectPersonalData(text, options)) {
    const pattern = new RegExp(`(\\s*)${escapeRegExp(match.text)}`, "g");
    result = result.replace(pattern, (_all, space: string) => (PLACEHOLDER[match.kind] ? `${space}${PLACEHOLDER[match.kind]}` : ""));
  }
  return result
    .replace(/\s+([,.!?;:])/g, "$1")
    .replace(/([,;:])(?=[,.!?;:])/g, "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/** "email jane@corp.example, name Jane" — for error messages listing what was found. */
export function describePersonalData(matches: PersonalDataMatch[]): string {
  return matches.map((m) => `${m.kind} "${m.text}"`).join(", ");
}
