import { z } from "zod";
import { text } from "@/lib/text";
import { MAX_MESSAGE_LENGTH } from "@/lib/flows/ask-question";

const uiMessageSchema = z.object({
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.looseObject({ type: z.string(), text: text().optional() })).max(100),
});

/**
 * Either `{ token, message }` or the body AI SDK's useChat sends (`{ messages: [...] }`,
 * with the token in the body or an `Authorization: Bearer` header).
 */
export const chatStreamSchema = z
  .object({
    token: text().min(1).max(4_000).optional(),
    message: text().optional(),
    messages: z.array(uiMessageSchema).max(500).optional(),
  })
  .transform((body) => ({ token: body.token ?? null, message: body.message ?? lastUserText(body.messages) ?? "" }))
  .pipe(
    z.object({
      token: z.string().nullable(),
      message: z
        .string()
        .trim()
        .min(1, "The message is empty (send { message } or useChat's { messages }).")
        .max(MAX_MESSAGE_LENGTH, `The message is longer than ${MAX_MESSAGE_LENGTH} characters.`),
    }),
  );

function lastUserText(messages: z.infer<typeof uiMessageSchema>[] | undefined): string | undefined {
  const last = messages?.findLast((m) => m.role === "user");
  return last?.parts.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join("\n");
}
