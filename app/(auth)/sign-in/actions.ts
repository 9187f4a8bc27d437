"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signInSchema } from "@/app/(auth)/api/auth/sign-in/schema";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { isAppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http";

export interface SignInState {
  error?: string;
  email?: string;
}

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  const email = String(form.get("email") ?? "");
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input", email };
  try {
    await signInWithPassword(parsed.data.email, parsed.data.password, { ip: clientAddress(await headers()) });
  } catch (error) {
    if (isAppError(error)) return { error: error.message, email };
    throw error;
  }
  const next = String(form.get("next") ?? "");
  redirect(next.startsWith("/dashboard") ? next : "/dashboard");
}
