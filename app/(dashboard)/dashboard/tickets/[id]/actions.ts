"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requireStaff } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { resolveTicket } from "@/lib/tickets/resolve";
import { reusableEntrySchema } from "@/lib/tickets/reusable-entry-schema";
import { runAction, type ActionState } from "../../_lib/action-state";

const resolveSchema = z.object({
  ticketId: z.uuid(),
  answer: z.string().trim().min(1, "The answer cannot be empty.").max(20_000, "The answer is too long (20,000 characters at most)."),
  notifyEmail: z.boolean(),
  reusable: reusableEntrySchema.nullable(),
});

/**
 * Approve & send: resumes the ticket's paused workflow with the edited answer. A ticket
 * someone else resolved meanwhile comes back as a conflict message (the page offers a
 * reload), never as a crash; success shows the resolved ticket with a confirmation.
 */
export async function resolveTicketAction(ticketId: string, _previous: ActionState, form: FormData): Promise<ActionState> {
  const result = await runAction(async () => {
    const staff = await requireStaff();
    const parsed = resolveSchema.safeParse({
      ticketId,
      answer: String(form.get("answer") ?? ""),
      notifyEmail: form.get("notifyEmail") === "on",
      reusable:
        form.get("saveReusable") === "on"
          ? { question: String(form.get("reusableQuestion") ?? ""), answer: String(form.get("reusableAnswer") ?? "") }
          : null,
    });
    if (!parsed.success) throw new AppError("unprocessable", parsed.error.issues[0].message);
    const { answer, notifyEmail, reusable } = parsed.data;
    await resolveTicket(staff, parsed.data.ticketId, { answer, notifyEmail, reusable });
    return parsed.data.notifyEmail ? "emailed" : "sent";
  });
  if (result.ok) redirect(`/dashboard/tickets/${ticketId}?sent=${result.ok}`);
  return result;
}
