import { createServerClient } from "@supabase/ssr";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { apiSecurityHeaders, newNonce, securityHeaders } from "@/lib/security-headers";

const SESSION_COOKIE = "sp_session";
const API_PATHS = /^\/(api|chat|admin)\/|^\/widget\.js$|^\/w\/[^/]+\/branding$/;
const WIDGET_FRAME = /^\/w\/([^/]+)\/?$/;

/**
 * Runs before every request but static assets. It sets the security headers (a CSP with
 * a fresh nonce on pages, who may frame them, nosniff, referrer policy, HSTS over https).
 * Deployed (Supabase) mode refreshes the auth session cookies on Control Center pages, as
 * @supabase/ssr requires, and a Control Center page without a session goes to sign-in;
 * the page itself still verifies the session (this is only a fast path, never the check).
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const https = isHttps(request);
  if (API_PATHS.test(pathname)) {
    return withHeaders(NextResponse.next(), apiSecurityHeaders(https));
  }

  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    frameAncestors: await frameAncestorsFor(pathname),
    https,
    development: env().NODE_ENV === "development",
  });
  // Next reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", headers["content-security-policy"]);
  requestHeaders.set("x-nonce", nonce);
  const forward = { request: { headers: requestHeaders } };

  if (!pathname.startsWith("/dashboard") && pathname !== "/sign-in") return withHeaders(NextResponse.next(forward), headers);

  let response = NextResponse.next(forward);
  // Proxy runs on the Node.js runtime (Next 16), so it reads the validated settings too.
  const { AUTH_MODE, NEXT_PUBLIC_SUPABASE_URL: supabaseUrl, NEXT_PUBLIC_SUPABASE_ANON_KEY: supabaseKey } = env();
  let signedIn: boolean;
  if (AUTH_MODE === "supabase" && supabaseUrl && supabaseKey) {
    const supabase = createServerClient(supabaseUrl, supabaseKey, {
      cookies: {
        getAll: () => request.cookies.getAll(),
        setAll: (list) => {
          for (const { name, value } of list) request.cookies.set(name, value);
          // The refreshed cookies reach this request's rendering as well as the browser.
          requestHeaders.set("cookie", request.cookies.toString());
          response = NextResponse.next(forward);
          for (const { name, value, options } of list) response.cookies.set(name, value, options);
        },
      },
    });
    const { data } = await supabase.auth.getClaims();
    signedIn = Boolean(data?.claims);
  } else {
    signedIn = request.cookies.has(SESSION_COOKIE);
  }

  if (!signedIn && pathname.startsWith("/dashboard")) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = `?next=${encodeURIComponent(pathname)}`;
    return withHeaders(NextResponse.redirect(url), headers);
  }
  return withHeaders(response, headers);
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function isHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (forwarded ?? request.nextUrl.protocol.replace(":", "")) === "https";
}

/** The chat frame may be embedded where its tenant allows; every other page nowhere. */
async function frameAncestorsFor(pathname: string): Promise<string[] | null> {
  const match = WIDGET_FRAME.exec(pathname);
  if (!match) return null;
  const { widgetFrameAncestors } = await import("@/lib/tenants/frame-ancestors");
  return widgetFrameAncestors(decodeURIComponent(match[1]));
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
