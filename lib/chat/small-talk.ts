/**
 * Greetings, thanks and noise get a short reply instead of a search, a model call or a
 * ticket: "hello" or "asdfgh" is not a question a human should be paged for.
 */

const GREETING = /^(hi|hello|hey|hiya|howdy|yo|hallo|greetings|good (morning|afternoon|evening|day))( there| team| all| everyone)?$/;
const THANKS = /^((ok(ay)? )?(thanks|thank you|thx|ty|cheers|many thanks)( (so|very) much| a lot| again)?|great thanks|perfect thanks)$/;
const ACK = /^(ok|okay|k|kk|cool|great|nice|perfect|got it|understood|alright|all right|sure|awesome|fine)$/;
const BYE = /^(bye|goodbye|bye bye|see you|see ya|cya|have a (nice|good) day)$/;
const KEYBOARD_MASH = /(asdf|sdfg|dfgh|fghj|ghjk|hjkl|qwer|wert|erty|rtyu|tyui|zxcv|xcvb|cvbn|vbnm)/;

export const SMALL_TALK_REPLIES = {
  greeting: "Hi! What can I help you with today?",
  thanks: "You're welcome! Is there anything else I can help with?",
  ack: "Glad to help. Ask me anything else whenever you like.",
  bye: "Goodbye, and thanks for getting in touch!",
  unclear: "Sorry, I didn't catch that. Could you describe what you need help with in a few words?",
} as const;

export type SmallTalkKind = keyof typeof SMALL_TALK_REPLIES;

function isGibberishWord(word: string): boolean {
  if (word.length < 4 || /\d/.test(word)) return false;
  if (KEYBOARD_MASH.test(word)) return true;
  if (/(.)\1{3,}/.test(word)) return true;
  // Latin words: no vowel at all, or five consonants in a row, is not a word.
  if (!/^[a-z]+$/.test(word)) return false;
  return !/[aeiouy]/.test(word) || /[^aeiouy]{5,}/.test(word);
}

/** The kind of small talk this message is, or null for a real question. */
export function classifySmallTalk(message: string): SmallTalkKind | null {
  const text = message
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return "unclear"; // only punctuation or emoji
  if (GREETING.test(text)) return "greeting";
  if (THANKS.test(text)) return "thanks";
  if (ACK.test(text)) return "ack";
  if (BYE.test(text)) return "bye";
  const words = text.split(" ");
  if (words.every(isGibberishWord)) return "unclear";
  if (text.length < 3 && !/\d/.test(text)) return "unclear";
  return null;
}
