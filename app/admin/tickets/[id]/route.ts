import { z } from "zod";
import { withStaff } from "@/lib/auth/with-staff";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { getTicketDetail } from "@/lib/tickets/queries";

/** One ticket with its conversation, context, draft, confidence and resolution. */
export const GET = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = z.uuid().safeParse(params.id);
  const ticket = id.success ? await withTenant(staff.claims, (tx) => getTicketDetail(tx, id.data)) : null;
  if (!ticket) throw new AppError("not_found", "Ticket not found.");
  return Response.json({ ticket });
});
