import { z } from "zod";
import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { parseJsonBody } from "@/lib/http";
import { closeTicket } from "@/lib/tickets/close";

const closeSchema = z.object({
  reason: z.string({ error: "reason is required" }).trim().min(1, "Say why the ticket is closed.").max(500),
});

/** Closes a ticket without a reply (with a reason). */
export const POST = withStaff<{ id: string }>(async (request, { staff, params }) => {
  const id = idParam(params.id, "Ticket not found.");
  const { reason } = await parseJsonBody(request, closeSchema);
  return Response.json({ ticket: await closeTicket(staff, id, reason) });
});
