import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { reopenTicket } from "@/lib/tickets/close";

/** Reopens a closed ticket. */
export const POST = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = idParam(params.id, "Ticket not found.");
  return Response.json({ ticket: await reopenTicket(staff, id) });
});
