"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { text } from "@/lib/text";
import { requireStaff } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { closeTicket, reopenTicket } from "@/lib/tickets/close";
import { replyToTicket } from "@/lib/flows/resolve-ticket";
import { reusableEntrySchema } from "@/lib/tickets/reusable-entry-schema";
import { runAction, type ActionState } from "../../_lib/action-state";

const replySchema = z.object({
  ticketId: z.uuid(),
  answer: text().trim().min(1, "The answer cannot be empty.").max(20_000, "The answer is too long (20,000 characters at most)."),
  notifyEmail: z.boolean(),
  reusable: reusableEntrySchema.nullable(),
  close: z.boolean(),
  seenReplies: z.coerce.number().int().min(0),
});

/**
 * Send (keep the conversation open) or Approve & send (and close): delivers the reply,
 * resuming the ticket's paused workflow the first time. A colleague's reply the sender
 * had not seen, or a ticket closed meanwhile, comes back as a conflict message (the page
 * offers a reload), never as a crash.
 */
export async function replyTicketAction(ticketId: string, _previous: ActionState, form: FormData): Promise<ActionState> {
  const result = await runAction(async () => {
    const staff = await requireStaff();
    const parsed = replySchema.safeParse({
      ticketId,
      answer: String(form.get("answer") ?? ""),
      notifyEmail: form.get("notifyEmail") === "on",
      reusable:
        form.get("saveReusable") === "on"
          ? { question: String(form.get("reusableQuestion") ?? ""), answer: String(form.get("reusableAnswer") ?? "") }
          : null,
      close: form.get("intent") !== "reply",
      seenReplies: form.get("seenReplies") ?? 0,
    });
    if (!parsed.success) throw new AppError("unprocessable", parsed.error.issues[0].message);
    const { answer, notifyEmail, reusable, close, seenReplies } = parsed.data;
    await replyToTicket(staff, parsed.data.ticketId, { answer, notifyEmail, reusable, close, seenReplies });
    return notifyEmail ? "emailed" : "sent";
  });
  if (result.ok) redirect(`/dashboard/tickets/${ticketId}?sent=${result.ok}`);
  return result;
}

const reasonSchema = z.string().trim().min(1, "Say why you close it.").max(500, "The reason is too long (500 characters at most).");

export async function closeTicketAction(ticketId: string, _previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff();
    const reason = reasonSchema.safeParse(String(form.get("reason") ?? ""));
    if (!reason.success) throw new AppError("unprocessable", reason.error.issues[0].message);
    const id = z.uuid().safeParse(ticketId);
    if (!id.success) throw new AppError("not_found", "Ticket not found.");
    await closeTicket(staff, id.data, reason.data);
    revalidatePath(`/dashboard/tickets/${id.data}`);
    return "Closed.";
  });
}

export async function reopenTicketAction(ticketId: string): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff();
    const id = z.uuid().safeParse(ticketId);
    if (!id.success) throw new AppError("not_found", "Ticket not found.");
    await reopenTicket(staff, id.data);
    revalidatePath(`/dashboard/tickets/${id.data}`);
    return "Reopened.";
  });
}
