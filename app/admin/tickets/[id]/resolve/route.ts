import { z } from "zod";
import { text } from "@/lib/text";
import { withStaff } from "@/lib/auth/with-staff";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { resolveTicket } from "@/lib/tickets/resolve";

const resolveSchema = z.object({
  answer: text("answer must be text without control characters").trim().min(1, "The answer cannot be empty.").max(20_000),
  notify_email: z.boolean().default(true),
});

/** Answers a ticket: resumes its paused workflow with the human's answer. */
export const POST = withStaff<{ id: string }>(async (request, { staff, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new AppError("not_found", "Ticket not found.");
  const body = await parseJsonBody(request, resolveSchema);
  const ticket = await resolveTicket(staff, id.data, { answer: body.answer, notifyEmail: body.notify_email });
  return Response.json({ ticket });
});
