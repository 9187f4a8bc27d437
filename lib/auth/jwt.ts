import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { z } from "zod";
import { requestClaimsSchema, type RequestClaims } from "@/lib/auth/claims";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const ISSUER = "support-platform";
export type TokenAudience = "staff" | "widget";

const TTL: Record<TokenAudience, string> = { staff: "12h", widget: "30d" };

function secretKey(): Uint8Array {
  return new TextEncoder().encode(env().AUTH_JWT_SECRET);
}

export async function signClaims(claims: RequestClaims, audience: TokenAudience): Promise<string> {
  const { sub, ...rest } = claims;
  const jwt = new SignJWT({ ...rest })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(TTL[audience]);
  if (sub) jwt.setSubject(sub);
  return jwt.sign(secretKey());
}

/** Verifies signature, issuer, audience and expiry; answers 401 with the reason otherwise. */
export async function verifyClaims(token: string, audience: TokenAudience): Promise<RequestClaims> {
  try {
    const { payload } = await jwtVerify(token, secretKey(), { issuer: ISSUER, audience, algorithms: ["HS256"] });
    return parseClaims(payload);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new AppError("unauthorized", "Your session has expired; sign in again.");
    if (error instanceof AppError) throw error;
    throw new AppError("unauthorized", "The credentials are invalid.");
  }
}

export function parseClaims(payload: Record<string, unknown>): RequestClaims {
  const parsed = requestClaimsSchema.safeParse({ ...payload, sub: payload.sub ?? null });
  if (!parsed.success) {
    throw new AppError("unauthorized", "The credentials do not carry a tenant membership.", z.treeifyError(parsed.error));
  }
  return parsed.data;
}
