"use server";

import { z } from "zod";
import { requireStaff } from "@/lib/auth/session";
import { withTenant } from "@/lib/db/tenant";
import { beatPresence, waitingSummary, type Colleague } from "@/lib/tickets/presence";

/** The Control Center's live signals; each checks who is calling (server actions are public endpoints). */
export async function presenceAction(ticketId: string, replying: boolean): Promise<Colleague[]> {
  const staff = await requireStaff();
  const id = z.uuid().safeParse(ticketId);
  if (!id.success) return [];
  return withTenant(staff.claims, (tx) => beatPresence(tx, id.data, replying));
}

export async function waitingAction(): Promise<{ waiting: number; newest: { id: string; number: number } | null }> {
  const staff = await requireStaff();
  return withTenant(staff.claims, (tx) => waitingSummary(tx));
}
