import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { getTicketAs } from "@/lib/tickets/queries";

/** One ticket with its conversation, context, draft, confidence and resolution. */
export const GET = withStaff<{ id: string }>(async (_request, { staff, params }) =>
  Response.json({ ticket: await getTicketAs(staff.claims, idParam(params.id, "Ticket not found.")) }),
);
