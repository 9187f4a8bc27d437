import "server-only";
import { z } from "zod";
import { text } from "@/lib/text";
import { AppError } from "@/lib/errors";
import { assertNoPersonalData } from "@/lib/privacy/cache-guard";

/** What staff send to manage cache entries, checked the same way by every adapter. */

const listOptionsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const cacheEntryIdSchema = z.string().uuid("Unknown cache entry.");
const cacheAnswerSchema = text().trim().min(1, "The answer cannot be empty.").max(20_000);

export function parseListOptions(options: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const parsed = listOptionsSchema.safeParse(options);
  if (!parsed.success) throw new AppError("bad_request", "limit must be 1-200 and offset 0 or more.");
  return parsed.data;
}

export function parseAnswer(answer: string): string {
  const parsed = cacheAnswerSchema.safeParse(answer);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "Invalid answer.");
  assertNoPersonalData({ answer: parsed.data });
  return parsed.data;
}

export function parseEntryId(id: string): string {
  const parsed = cacheEntryIdSchema.safeParse(id);
  if (!parsed.success) throw new AppError("not_found", "Cache entry not found.");
  return parsed.data;
}
