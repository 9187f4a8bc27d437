import { hkdfSync } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { z } from "zod";
import { requestClaimsSchema, type RequestClaims } from "@/lib/db/claims";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const ISSUER = "support-platform";
export type TokenAudience = "staff" | "widget";

export const STAFF_SESSION_SECONDS = 12 * 3600;
/** Staff sessions are short; a widget token is renewed on return, up to an absolute limit (lib/chat/token.ts). */
const TTL: Record<TokenAudience, number> = { staff: STAFF_SESSION_SECONDS, widget: 30 * 24 * 3600 };

const keys = new Map<string, Uint8Array>();

/**
 * One key per audience, derived from AUTH_JWT_SECRET with HKDF: a widget token (which
 * any visitor holds) is signed with a key that can never produce or verify a staff
 * session, even if audience checks were ever got wrong.
 */
export function tokenKey(audience: TokenAudience): Uint8Array {
  const secret = env().AUTH_JWT_SECRET;
  const id = `${audience}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, ISSUER, `${audience}-token-v1`, 32));
    keys.clear();
    keys.set(id, key);
  }
  return key;
}

export async function signClaims(
  claims: RequestClaims,
  audience: TokenAudience,
  extra: { jti?: string; sessionStartedAt?: number } = {},
): Promise<string> {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT({ ...rest, ...(extra.sessionStartedAt ? { sst: extra.sessionStartedAt } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + TTL[audience]);
  if (sub) jwt.setSubject(sub);
  if (extra.jti) jwt.setJti(extra.jti);
  return jwt.sign(tokenKey(audience));
}

export interface VerifiedToken {
  claims: RequestClaims;
  jti: string | null;
  /** When the session this token continues began (seconds), else its own issue time. */
  sessionStartedAt: number;
}

/** Verifies signature, issuer, audience and expiry; answers 401 with the reason otherwise. */
export async function verifyToken(token: string, audience: TokenAudience): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, tokenKey(audience), { issuer: ISSUER, audience, algorithms: ["HS256"] });
    const claims = parseClaims(payload);
    const started = typeof payload.sst === "number" ? payload.sst : (payload.iat ?? 0);
    return { claims, jti: typeof payload.jti === "string" ? payload.jti : null, sessionStartedAt: started };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new AppError("unauthorized", "Your session has expired; sign in again.");
    if (error instanceof AppError) throw error;
    throw new AppError("unauthorized", "The credentials are invalid.");
  }
}

export async function verifyClaims(token: string, audience: TokenAudience): Promise<RequestClaims> {
  return (await verifyToken(token, audience)).claims;
}

export function parseClaims(payload: Record<string, unknown>): RequestClaims {
  const parsed = requestClaimsSchema.safeParse({ ...payload, sub: payload.sub ?? null });
  if (!parsed.success) {
    throw new AppError("unauthorized", "The credentials do not carry a tenant membership.", z.treeifyError(parsed.error));
  }
  return parsed.data;
}
