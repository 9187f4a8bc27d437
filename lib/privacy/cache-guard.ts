import { AppError } from "@/lib/errors";
import { describePersonalData, detectPersonalData, type PersonalDataMatch } from "./personal-data";

export interface ReusableText {
  question?: string;
  answer: string;
}

/** Personal data in a would-be cache entry: its question and its answer. */
export function personalDataIn(entry: ReusableText, names: string[] = []): PersonalDataMatch[] {
  return [...detectPersonalData(entry.question ?? "", { names }), ...detectPersonalData(entry.answer, { names })];
}

/**
 * Refuses an entry holding personal data (422), listing what was found so staff can
 * edit it: nothing personal ever reaches the cache, where anyone's question may find it.
 */
export function assertNoPersonalData(entry: ReusableText, names: string[] = []): void {
  const found = personalDataIn(entry, names);
  if (found.length === 0) return;
  throw new AppError(
    "unprocessable",
    `The reusable answer contains personal data; remove it before saving to the cache: ${describePersonalData(found)}.`,
    { personalData: found },
  );
}
