import { z } from "zod";
import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { parseJsonBody } from "@/lib/http";
import { resolveTicket } from "@/lib/flows/resolve-ticket";
import { staffReplyFields } from "@/lib/tickets/reusable-entry-schema";

const resolveSchema = z.object(staffReplyFields);

/**
 * Answers a ticket: resumes its paused workflow with the human's answer. The answer goes
 * to the customer; only `reusable` (a generic question and answer, free of personal
 * data, or 422 listing what was found) goes to the cache.
 */
export const POST = withStaff<{ id: string }>(async (request, { staff, params }) => {
  const id = idParam(params.id, "Ticket not found.");
  const body = await parseJsonBody(request, resolveSchema);
  const ticket = await resolveTicket(staff, id, { answer: body.answer, notifyEmail: body.notify_email, reusable: body.reusable });
  return Response.json({ ticket });
});
