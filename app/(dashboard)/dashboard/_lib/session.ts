import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getStaffSession, type StaffSession } from "@/lib/auth/session";

/**
 * The signed-in staff member for a Control Center page, or a redirect to sign-in. Pages
 * call it themselves (layouts and pages render independently), and React's cache makes
 * the layout and the page share one membership lookup per request.
 */
export const currentStaff = cache(async (): Promise<StaffSession> => {
  const staff = await getStaffSession();
  if (!staff) redirect("/sign-in");
  return staff;
});

export function canManage(staff: StaffSession): boolean {
  return staff.role === "owner" || staff.role === "admin";
}
