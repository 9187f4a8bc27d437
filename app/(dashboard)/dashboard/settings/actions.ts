"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { changeOwnPassword } from "@/lib/auth/change-password";
import type { StaffRole } from "@/lib/db/claims";
import { requireStaff } from "@/lib/auth/session";
import { withTenant } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http";
import { updateTenantSettings, type SettingsPatch } from "@/lib/tenants/settings";
import { changeRole, inviteStaff, removeStaff } from "@/lib/tenants/staff";
import { runAction, type ActionState } from "../_lib/action-state";

const MANAGERS = ["owner", "admin"] as const;

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? "").trim();
}

/** A number field; an empty one is "not given" (undefined), anything else must parse. */
function number(form: FormData, name: string, label: string): number | undefined {
  const raw = text(form, name);
  if (raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new AppError("unprocessable", `${label} must be a number.`);
  return value;
}

function settingsPatchFrom(form: FormData): SettingsPatch {
  const similarity = number(form, "cacheSimilarityThreshold", "Cache similarity threshold");
  const budget = number(form, "modelCallBudgetMonthly", "Model budget");
  return {
    allowedOrigins: text(form, "allowedOrigins").split(/\s+/).filter(Boolean),
    modelCallBudgetMonthly: budget ?? null,
    name: text(form, "name"),
    confidenceThreshold: number(form, "confidenceThreshold", "Confidence threshold"),
    answerDelivery: (text(form, "answerDelivery") || undefined) as SettingsPatch["answerDelivery"],
    cacheSimilarityThreshold: similarity ?? null,
    cacheTtlDays: number(form, "cacheTtlDays", "Cache lifetime"),
    agentsManageKnowledge: form.get("agentsManageKnowledge") === "on",
    supportEmail: text(form, "supportEmail").toLowerCase() || null,
    branding: { color: text(form, "brandColor"), name: text(form, "brandName"), greeting: text(form, "greeting") },
  };
}

export async function updateSettingsAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff(undefined, MANAGERS);
    const patch = settingsPatchFrom(form);
    await withTenant(staff.claims, (tx) => updateTenantSettings(tx, patch));
    revalidatePath("/dashboard", "layout");
    return "Settings saved.";
  });
}

export async function inviteStaffAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff(undefined, MANAGERS);
    const member = await withTenant(staff.claims, (tx) =>
      inviteStaff(tx, {
        email: text(form, "email"),
        password: String(form.get("password") ?? ""),
        role: text(form, "role") as StaffRole,
        displayName: text(form, "displayName") || undefined,
      }),
    );
    revalidatePath("/dashboard/settings");
    return `${member.email} can now sign in as ${member.role}.`;
  });
}

export async function changeRoleAction(userId: string, role: StaffRole): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff(undefined, MANAGERS);
    const member = await withTenant(staff.claims, (tx) => changeRole(tx, userId, role));
    revalidatePath("/dashboard", "layout");
    return `${member.email} is now ${member.role}.`;
  });
}

export async function removeStaffAction(userId: string): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff(undefined, MANAGERS);
    await withTenant(staff.claims, (tx) => removeStaff(tx, userId));
    revalidatePath("/dashboard/settings");
    return "Staff member removed.";
  });
}

/** Any staff member, for their own account. */
export async function changePasswordAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const staff = await requireStaff();
    const { sessionsEnded } = await changeOwnPassword(
      staff,
      { currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") },
      { ip: clientAddress(await headers()) },
    );
    return sessionsEnded ? `Password changed; ${sessionsEnded} other session${sessionsEnded === 1 ? "" : "s"} signed out.` : "Password changed.";
  });
}
