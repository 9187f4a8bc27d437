import { z } from "zod";
import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { parseJsonBody } from "@/lib/http";
import { replyToTicket } from "@/lib/flows/resolve-ticket";
import { staffReplyFields } from "@/lib/tickets/reusable-entry-schema";

const replySchema = z.object({
  ...staffReplyFields,
  close: z.boolean().default(false),
  /** How many human replies the sender had seen: a newer colleague's reply makes this 409. */
  seen_replies: z.number().int().min(0).optional(),
});

/** Replies in a ticket's conversation; it stays open (with a human) unless `close` is true. */
export const POST = withStaff<{ id: string }>(async (request, { staff, params }) => {
  const id = idParam(params.id, "Ticket not found.");
  const body = await parseJsonBody(request, replySchema);
  const ticket = await replyToTicket(staff, id, {
    answer: body.answer,
    notifyEmail: body.notify_email,
    reusable: body.reusable,
    close: body.close,
    seenReplies: body.seen_replies,
  });
  return Response.json({ ticket });
});
