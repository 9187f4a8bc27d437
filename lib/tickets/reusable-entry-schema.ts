import { z } from "zod";

/** The reusable entry as staff submit it (API and Control Center alike). */
export const reusableEntrySchema = z.object({
  question: z
    .string({ error: "reusable.question is required" })
    .trim()
    .min(3, "The reusable question is too short.")
    .max(2_000, "The reusable question is too long (2,000 characters at most)."),
  answer: z
    .string({ error: "reusable.answer is required" })
    .trim()
    .min(1, "The reusable answer cannot be empty.")
    .max(20_000, "The reusable answer is too long (20,000 characters at most)."),
});

/** The body shared by the resolve and reply endpoints (the PRD's fields plus the reusable entry). */
export const staffReplyFields = {
  answer: z.string({ error: "answer is required" }).trim().min(1, "The answer cannot be empty.").max(20_000),
  notify_email: z.boolean().default(true),
  reusable: reusableEntrySchema.nullable().default(null),
};
