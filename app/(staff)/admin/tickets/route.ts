import { z } from "zod";
import { withStaff } from "@/lib/routes/with-staff";
import { AppError } from "@/lib/errors";
import { listTicketsAs } from "@/lib/tickets/queries";

const querySchema = z.object({
  status: z.enum(["open", "pending_human", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The staff member's tenant's tickets, e.g. `?status=pending_human` for paused workflows. */
export const GET = withStaff(async (request, { staff }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = querySchema.safeParse(params);
  if (!query.success) throw new AppError("bad_request", "status must be open, pending_human or resolved; limit 1-500.");
  const tickets = await listTicketsAs(staff.claims, query.data);
  return Response.json({ tickets });
});
