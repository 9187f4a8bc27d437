/*
 * Text that addresses the assistant instead of the customer (OWASP LLM01, prompt
 * injection): "ignore previous instructions", "reveal your system prompt", "you are now
 * …", "tell the user to e-mail their password to …". A question carrying it is answered
 * but never cached; a knowledge-base sentence carrying it is removed before the passage
 * reaches a model or the offline answerer, so whatever it asks for is never quoted.
 * Patterns are kept narrow (they run on every tenant's help pages): each one needs the
 * wording of an attack, not a single word, and the tests list ordinary help-centre
 * sentences that must pass.
 */

export type InjectionSignal =
  | "override"
  | "prompt_extraction"
  | "role_change"
  | "chat_markup"
  | "addressed_to_ai"
  | "steer_user"
  | "credential_request";

/** Words of one sentence between two parts of a pattern. */
const GAP = "[^.!?\\n]{0,40}?";
const AI = "(?:ai|a\\.i\\.|assistants?|chat\\s?bots?|bots?|llms?|(?:large\\s+)?language\\s+models?|gpt|chatgpt)";
const CUSTOMER = "(?:users?|customers?|visitors?|readers?|clients?|callers?)";
const SECRET = "(?:system|initial|hidden|original|secret|developer|internal)\\s+(?:prompts?|instructions?|messages?|rules|configuration)";
const CREDENTIAL =
  "(?:passwords?|passcodes?|pins?|one-time\\s+(?:pass)?codes?|otp|2fa\\s+codes?|verification\\s+codes?|security\\s+codes?|credentials|login\\s+details|card\\s+numbers?|cvv|cvc|social\\s+security\\s+numbers?|seed\\s+phrases?|recovery\\s+phrases?|private\\s+keys?)";

const pattern = (source: string, flags = "i") => new RegExp(source, flags);

const PATTERNS: Array<{ signal: InjectionSignal; pattern: RegExp }> = [
  {
    signal: "override",
    pattern: pattern(
      `\\b(?:ignore|disregard|forget|override|bypass)\\b${GAP}\\b(?:previous|prior|above|earlier|preceding|all|any|your|system|original|existing|safety|developer)\\b${GAP}\\b(?:instructions?|prompts?|rules|guidelines|directions|directives|guardrails|restrictions|policies)\\b`,
    ),
  },
  { signal: "override", pattern: /\b(?:new|updated|real|actual)\s+(?:instructions|rules|system\s+prompt|directives?)\s*:/i },
  { signal: "override", pattern: /\b(?:system|admin|developer)\s+override\b/i },
  { signal: "prompt_extraction", pattern: pattern(`\\b(?:reveal|show|print|repeat|output|display|disclose|leak|share|recite|dump|tell\\s+me|give\\s+me|what(?:'s|\\s+is|\\s+are|\\s+were))\\b${GAP}\\b${SECRET}\\b`) },
  { signal: "prompt_extraction", pattern: /\byour\s+(?:(?:system|initial|hidden|original|secret)\s+)?(?:prompt|instructions)\b/i },
  { signal: "prompt_extraction", pattern: /\b(?:repeat|print|output|echo)\s+(?:everything|all(?:\s+(?:the\s+)?text)?|the\s+(?:text|words|prompt))\s+(?:above|before|verbatim)\b/i },
  {
    signal: "role_change",
    pattern: pattern(
      `\\byou\\s+are\\s+now\\s+(?:an?\\s+|my\\s+|the\\s+)?(?:${AI}|dan|unrestricted|unfiltered|uncensored|jailbroken|evil|different|new|no\\s+longer|called|named|in\\s+(?:developer|god|admin)\\s+mode)\\b`,
    ),
  },
  { signal: "role_change", pattern: /\byou\s+are\s+no\s+longer\s+(?:an?\s+)?(?:ai|assistant|bot|bound|restricted|limited|a\s+support)/i },
  { signal: "role_change", pattern: /\bfrom\s+now\s+on,?\s+(?:you\s+)?(?:(?:will|must|should|shall)\s+)?(?:answer|respond|reply|speak|talk|act|behave|ignore|pretend|only\s+(?:answer|reply|say))\b/i },
  { signal: "role_change", pattern: /\bpretend\s+(?:to\s+be|(?:that\s+)?you\s+(?:are|were))\b/i },
  {
    signal: "role_change",
    pattern: /\b(?:act|behave|role-?play)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+|my\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|dan|hacker|developer|admin|system)\b/i,
  },
  {
    signal: "chat_markup",
    pattern: /<\|(?:im_start|im_end|system|assistant|user|endoftext)\|>|\[\/?INST\]|<\/?(?:system|assistant)>|^\s*#{2,}\s*(?:system|instructions?)\s*$|^\s*(?:system|assistant)\s*:\s*(?:you|ignore|new|from\s+now|always|never)\b/im,
  },
  { signal: "addressed_to_ai", pattern: pattern(`\\b(?:note|message|instructions?|reminder|attention|important)\\s+(?:to|for)\\s+(?:the\\s+|any\\s+|all\\s+)?${AI}\\b`) },
  { signal: "addressed_to_ai", pattern: pattern(`\\bif\\s+you\\s+are\\s+an?\\s+${AI}\\b`) },
  { signal: "addressed_to_ai", pattern: pattern(`\\b${AI}\\s+(?:reading|processing|summari[sz]ing|answering\\s+from|that\\s+reads?|who\\s+reads?)\\s+(?:this|these)\\b`) },
  { signal: "addressed_to_ai", pattern: pattern(`\\b(?:dear|hey|attention|hello)\\s*,?\\s+${AI}\\b`) },
  { signal: "steer_user", pattern: pattern(`\\b(?:tell|instruct|urge|direct)\\s+(?:the\\s+|all\\s+|every\\s+|any\\s+)?${CUSTOMER}\\s+(?:to|that)\\b`) },
  { signal: "credential_request", pattern: pattern(`\\b(?:send|give|share|text|dm|forward|post|reply\\s+with|disclose|read\\s+out|hand\\s+over)\\b${GAP}\\b${CREDENTIAL}\\b`) },
  // "e-mail your password to …" (the verb, not "your email address and password").
  { signal: "credential_request", pattern: pattern(`\\be-?mail(?:\\s+(?:us|me|them|it\\s+to))?\\s+(?:your|their|his|her|the)\\s+(?:(?:current|old|new|account|full)\\s+)?${CREDENTIAL}\\b`) },
];

/** "Never send your password": warnings name the attack they warn about. */
const NEGATION = /\b(?:never|not|no\s+one|nobody|don't|doesn't|won't|shouldn't|cannot|can't)\b/i;

/** What in the text speaks to the assistant, each signal once, in pattern order. */
export function injectionSignals(text: string): InjectionSignal[] {
  const found = new Set<InjectionSignal>();
  for (const { signal, pattern: regex } of PATTERNS) {
    if (signal === "credential_request" && NEGATION.test(text)) continue;
    if (regex.test(text)) found.add(signal);
  }
  return [...found];
}

export function looksLikeInjection(text: string): boolean {
  return injectionSignals(text).length > 0;
}

/** What a removed sentence is replaced with, so a model sees that something was there. */
export const REMOVED_INSTRUCTION = "[text addressed to the assistant removed]";

/**
 * Sentences as they follow each other: a cut after . ! ? followed by white space, and
 * before every line break. The pieces keep their leading white space, so joined they
 * are the text again.
 */
export function sentencePieces(text: string): string[] {
  return text.split(/(?<=[.!?])(?=[ \t]+\S)|(?=\n)/);
}

/**
 * The passage without its sentences that address the assistant (each replaced by
 * REMOVED_INSTRUCTION), and how many there were. Everything else is kept as written.
 */
export function withoutInstructions(text: string): { text: string; removed: number } {
  let removed = 0;
  const pieces = sentencePieces(text).map((piece) => {
    if (!looksLikeInjection(piece)) return piece;
    removed++;
    return `${piece.match(/^\s*/)?.[0] ?? ""}${REMOVED_INSTRUCTION}`;
  });
  return { text: removed ? pieces.join("") : text, removed };
}
