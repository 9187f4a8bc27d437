/**
 * The response headers every page and route gets (set by proxy.ts). Pages carry a
 * Content-Security-Policy with a fresh nonce per request, which Next puts on its own
 * scripts; who may frame a page is stated per audience: nobody for the Control Center and
 * the rest of the app, the tenant's allowed sites for the chat frame.
 */
export interface SecurityHeaderInput {
  nonce: string;
  /** null: no site may frame the page; [] any site; otherwise these origins (and the app's own). */
  frameAncestors: string[] | null;
  https: boolean;
  development: boolean;
}

export function contentSecurityPolicy({ nonce, frameAncestors, development }: Omit<SecurityHeaderInput, "https">): string {
  const ancestors = frameAncestors === null ? "'none'" : frameAncestors.length === 0 ? "*" : ["'self'", ...frameAncestors].join(" ");
  return [
    "default-src 'self'",
    // 'self' keeps same-origin script files (widget.js on the demo site); inline scripts need the nonce.
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-eval'" : ""}`,
    // React's style attributes (brand colours) cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
}

export function securityHeaders(input: SecurityHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": contentSecurityPolicy(input),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
  };
  // The legacy header for browsers without frame-ancestors; it cannot list origins.
  if (input.frameAncestors === null) headers["x-frame-options"] = "DENY";
  if (input.https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/** Headers for API responses (no document to protect with a CSP beyond refusing everything). */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  };
  if (https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
