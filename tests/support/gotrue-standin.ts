import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";
import { verifyPassword } from "@/lib/auth/password";
import { withService } from "@/lib/db/tenant";

/**
 * A local stand-in for Supabase Auth (GoTrue) at the endpoints the SDK calls:
 * POST /auth/v1/token?grant_type=password|refresh_token, GET /auth/v1/.well-known/jwks.json,
 * GET /auth/v1/user, POST /auth/v1/logout. Access tokens are ES256 JWTs with a key id,
 * as projects with asymmetric signing keys issue them, and their claims pass through the
 * migrations' real Custom Access Token Hook (public.custom_access_token_hook) first.
 * Passwords are checked against auth.users, as GoTrue does.
 */
export async function startGoTrueStandIn(options: { anonKey: string; accessTokenSeconds?: number }) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  const refreshTokens = new Map<string, string>(); // refresh token → user id
  const grants: string[] = [];
  const paths: string[] = [];
  let url = "";

  async function issueSession(userId: string) {
    const { rows } = await withService((tx) =>
      tx.query<{ id: string; email: string; created_at: Date }>("select id, email, created_at from auth.users where id = $1", [userId]),
    );
    const user = rows[0];
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.accessTokenSeconds ?? 3600;
    const sessionId = randomUUID();
    const baseClaims = {
      aud: "authenticated",
      sub: user.id,
      email: user.email,
      role: "authenticated",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      session_id: sessionId,
      is_anonymous: false,
    };
    // GoTrue calls the hook with the event and signs whatever claims it returns.
    const hooked = await withService((tx) =>
      tx.query<{ event: { claims: Record<string, unknown> } }>("select public.custom_access_token_hook($1::jsonb) as event", [
        JSON.stringify({ user_id: user.id, claims: baseClaims, authentication_method: "password" }),
      ]),
    );
    const accessToken = await new SignJWT(hooked.rows[0].event.claims)
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .setIssuer(`${url}/auth/v1`)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(privateKey);
    const refreshToken = randomUUID().replaceAll("-", "");
    refreshTokens.set(refreshToken, user.id);
    return {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: expiresIn,
      expires_at: now + expiresIn,
      refresh_token: refreshToken,
      user: {
        id: user.id,
        aud: "authenticated",
        role: "authenticated",
        email: user.email,
        app_metadata: hooked.rows[0].event.claims.app_metadata,
        user_metadata: {},
        created_at: user.created_at.toISOString(),
      },
    };
  }

  async function handle(method: string, path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, body: Record<string, unknown>) {
    paths.push(path);
    if (headers.apikey !== options.anonKey) return { status: 401, body: { message: "Invalid API key" } };
    if (method === "GET" && path === "/auth/v1/.well-known/jwks.json") return { status: 200, body: { keys: [jwk] } };
    if (method === "POST" && path === "/auth/v1/token") {
      const grant = query.get("grant_type") ?? "";
      grants.push(grant);
      if (grant === "password") {
        const { rows } = await withService((tx) =>
          tx.query<{ id: string; encrypted_password: string | null }>("select id, encrypted_password from auth.users where lower(email) = lower($1)", [
            String(body.email ?? ""),
          ]),
        );
        if (!rows[0] || !(await verifyPassword(rows[0].encrypted_password, String(body.password ?? "")))) {
          return { status: 400, body: { code: "invalid_credentials", error_code: "invalid_credentials", msg: "Invalid login credentials" } };
        }
        return { status: 200, body: await issueSession(rows[0].id) };
      }
      if (grant === "refresh_token") {
        const userId = refreshTokens.get(String(body.refresh_token ?? ""));
        if (!userId) return { status: 400, body: { code: "refresh_token_not_found", error_code: "refresh_token_not_found", msg: "Invalid Refresh Token" } };
        refreshTokens.delete(String(body.refresh_token)); // rotation: each refresh token works once
        return { status: 200, body: await issueSession(userId) };
      }
      return { status: 400, body: { msg: `unsupported grant_type ${grant}` } };
    }
    if (method === "GET" && path === "/auth/v1/user") {
      const token = String(headers.authorization ?? "").replace(/^Bearer\s+/i, "");
      try {
        const { payload } = await jwtVerify(token, publicKey);
        return { status: 200, body: { id: payload.sub, aud: "authenticated", role: "authenticated", email: payload.email } };
      } catch {
        return { status: 403, body: { code: "bad_jwt", error_code: "bad_jwt", msg: "invalid JWT" } };
      }
    }
    if (method === "POST" && path === "/auth/v1/logout") return { status: 204, body: null };
    return { status: 404, body: { msg: `no route ${method} ${path}` } };
  }

  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", async () => {
      const parsed = new URL(req.url ?? "/", url);
      const result = await handle(req.method ?? "GET", parsed.pathname, parsed.searchParams, req.headers, raw ? JSON.parse(raw) : {}).catch(
        (error: Error) => ({ status: 500, body: { msg: error.message } }),
      );
      res.writeHead(result.status, { "content-type": "application/json" });
      res.end(result.body === null ? undefined : JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    grants,
    paths,
    /** A token signed by a key the project never published, with the right key id. */
    forge: async (claims: Record<string, unknown>) => {
      const other = await generateKeyPair("ES256");
      return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).setIssuedAt().setExpirationTime("1h").sign(other.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
