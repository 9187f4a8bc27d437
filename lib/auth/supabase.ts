import "server-only";
import { createServerClient } from "@supabase/ssr";
import { createClient } from "@supabase/supabase-js";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

function projectSettings(): { url: string; anonKey: string } {
  const { NEXT_PUBLIC_SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY } = env();
  if (!NEXT_PUBLIC_SUPABASE_URL || !NEXT_PUBLIC_SUPABASE_ANON_KEY) {
    throw new Error("Supabase auth is not configured (NEXT_PUBLIC_SUPABASE_URL / NEXT_PUBLIC_SUPABASE_ANON_KEY)");
  }
  return { url: NEXT_PUBLIC_SUPABASE_URL, anonKey: NEXT_PUBLIC_SUPABASE_ANON_KEY };
}

/** Supabase client bound to this request's cookies (deployed mode, Control Center pages). */
export async function createSupabaseServerClient() {
  const { url, anonKey } = projectSettings();
  const store = await cookies();
  return createServerClient(url, anonKey, {
    cookies: {
      getAll: () => store.getAll(),
      setAll: (list) => {
        try {
          for (const { name, value, options } of list) store.set(name, value, options);
        } catch {
          // Server Components cannot set cookies; the proxy refreshes the session instead.
        }
      },
    },
  });
}

/**
 * Supabase client without a session store, for bearer-token callers (API clients): it
 * verifies a given token (getClaims, against the project's published keys) or signs in
 * and hands the tokens back, touching no cookies.
 */
export function createSupabaseTokenClient() {
  const { url, anonKey } = projectSettings();
  return createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } });
}
