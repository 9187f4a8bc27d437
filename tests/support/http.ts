import type { RequestClaims } from "@/lib/db/claims";
import { issueStaffToken } from "@/lib/auth/staff-session";

/** A JSON request to a route handler, the way the widget or the Control Center sends it. */
export function jsonRequest(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function staffHeaders(claims: RequestClaims): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await issueStaffToken(claims)}` };
}

export const routeParams = <P>(params: P) => ({ params: Promise.resolve(params) });
