import { z } from "zod";
import { withStaff } from "@/lib/auth/with-staff";
import { AppError } from "@/lib/errors";
import { reopenTicket } from "@/lib/tickets/close";

/** Reopens a closed ticket. */
export const POST = withStaff<{ id: string }>(async (_request, { staff, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new AppError("not_found", "Ticket not found.");
  return Response.json({ ticket: await reopenTicket(staff, id.data) });
});
