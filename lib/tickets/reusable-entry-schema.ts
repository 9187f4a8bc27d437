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
