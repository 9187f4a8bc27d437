"use server";

import { revalidatePath } from "next/cache";
import { requireStaff } from "@/lib/auth/session";
import { deleteCacheEntry, updateCacheAnswer } from "@/lib/cache";
import { withTenant } from "@/lib/db/tenant";
import { runAction, type ActionState } from "../_lib/action-state";

export async function updateCacheAnswerAction(id: string, answer: string): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff();
    await withTenant(staff.claims, (tx) => updateCacheAnswer(tx, id, answer));
    revalidatePath("/dashboard/cache");
    return "Answer saved; it now counts as a human answer.";
  });
}

export async function deleteCacheEntryAction(id: string): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff();
    await withTenant(staff.claims, (tx) => deleteCacheEntry(tx, id));
    revalidatePath("/dashboard/cache");
    return "Entry deleted.";
  });
}
