"use server";

import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/sign-in";

/** Signing out needs no authorisation: it only clears the caller's own session. */
export async function signOutAction(): Promise<void> {
  await signOut();
  redirect("/sign-in");
}
