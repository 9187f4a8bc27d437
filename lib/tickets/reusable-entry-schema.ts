import { z } from "zod";
import { text } from "@/lib/text";

/** The reusable entry as staff submit it (API and Control Center alike). */
export const reusableEntrySchema = z.object({
  question: text("reusable.question must be text without control characters")
    .trim()
    .min(3, "The reusable question is too short.")
    .max(2_000, "The reusable question is too long (2,000 characters at most)."),
  answer: text("reusable.answer must be text without control characters")
    .trim()
    .min(1, "The reusable answer cannot be empty.")
    .max(20_000, "The reusable answer is too long (20,000 characters at most)."),
});

/** The body shared by the resolve and reply endpoints (the PRD's fields plus the reusable entry). */
export const staffReplyFields = {
  answer: text("answer must be text without control characters").trim().min(1, "The answer cannot be empty.").max(20_000),
  notify_email: z.boolean().default(true),
  reusable: reusableEntrySchema.nullable().default(null),
};
