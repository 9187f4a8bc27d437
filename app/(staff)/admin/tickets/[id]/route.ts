import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { idParam } from "@/lib/routes/params";
import { withStaff } from "@/lib/routes/with-staff";
import { getTicketDetail } from "@/lib/tickets/queries";

/** One ticket with its conversation, context, draft, confidence and resolution. */
export const GET = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = idParam(params.id, "Ticket not found.");
  const ticket = await withTenant(staff.claims, (tx) => getTicketDetail(tx, id));
  if (!ticket) throw new AppError("not_found", "Ticket not found.");
  return Response.json({ ticket });
});
