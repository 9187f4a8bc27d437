import { z } from "zod";
import { withStaff } from "@/lib/auth/with-staff";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { closeTicket } from "@/lib/tickets/close";

const closeSchema = z.object({
  reason: z.string({ error: "reason is required" }).trim().min(1, "Say why the ticket is closed.").max(500),
});

/** Closes a ticket without a reply (with a reason). */
export const POST = withStaff<{ id: string }>(async (request, { staff, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new AppError("not_found", "Ticket not found.");
  const { reason } = await parseJsonBody(request, closeSchema);
  return Response.json({ ticket: await closeTicket(staff, id.data, reason) });
});
