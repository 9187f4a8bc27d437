import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

export const MAX_URL_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;

/** A URL that could not be fetched; `permanent` when trying again will not help. */
export class UrlFetchError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "UrlFetchError";
  }
}

export interface FetchedUrl {
  data: Uint8Array;
  contentType: string | null;
  finalUrl: string;
}

// Addresses a server-side fetch must not reach on a user's behalf (SSRF): loopback,
// private networks, link-local (cloud metadata endpoints), and the like.
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** Self-hosted installs may index their intranet: KNOWLEDGE_ALLOW_PRIVATE_URLS=1. */
function privateNetworkAllowed(): boolean {
  return process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS === "1";
}

export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Checked when a URL is submitted: scheme and, for literal hosts, the address. */
export function urlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "This is not a valid URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Only http and https URLs can be added.";
  if (url.username || url.password) return "URLs with credentials in them cannot be added.";
  if (privateNetworkAllowed()) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || (isIP(host) && isBlockedAddress(host))) {
    return "URLs on private or local networks cannot be added.";
  }
  return null;
}

// Resolves and checks at connect time, so a DNS answer that changes between check and
// connection (rebinding) cannot slip through.
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as LookupAddress[];
    const allowed = privateNetworkAllowed() ? list : list.filter((a) => !isBlockedAddress(a.address));
    if (allowed.length === 0) {
      return callback(Object.assign(new Error("blocked address"), { code: "EBLOCKED" }), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0].address, allowed[0].family);
  });
};

/** Fetches a URL for ingestion: bounded in time, size and redirects, never a private address. */
export async function fetchUrl(raw: string): Promise<FetchedUrl> {
  let current = raw;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = urlProblem(current);
    if (problem) throw new UrlFetchError(`Could not fetch ${current}: ${problem}`, true);
    const result = await requestOnce(new URL(current));
    if ("redirect" in result) {
      current = new URL(result.redirect, current).toString();
      continue;
    }
    return { ...result, finalUrl: current };
  }
  throw new UrlFetchError(`Could not fetch ${raw}: too many redirects.`, true);
}

function requestOnce(url: URL): Promise<{ redirect: string } | { data: Uint8Array; contentType: string | null }> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (message: string, permanent: boolean) => reject(new UrlFetchError(`Could not fetch ${url}: ${message}`, permanent));
    const request = client.get(
      url,
      { lookup: guardedLookup, timeout: TIMEOUT_MS, headers: { "user-agent": "SupportPlatformBot/1.0", accept: "text/html,text/markdown,text/plain,application/pdf;q=0.9,*/*;q=0.1" } },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ redirect: response.headers.location });
        }
        if (status < 200 || status >= 300) {
          response.resume();
          return fail(`the server answered HTTP ${status}.`, status < 500 && status !== 429);
        }
        const declared = Number(response.headers["content-length"] ?? 0);
        if (declared > MAX_URL_BYTES) {
          response.destroy();
          return fail(`the page is larger than ${MAX_URL_BYTES / 1024 / 1024} MB.`, true);
        }
        const parts: Buffer[] = [];
        let size = 0;
        response.on("data", (part: Buffer) => {
          size += part.length;
          if (size > MAX_URL_BYTES) {
            response.destroy();
            return fail(`the page is larger than ${MAX_URL_BYTES / 1024 / 1024} MB.`, true);
          }
          parts.push(part);
        });
        response.on("error", (error) => fail(error.message, false));
        response.on("end", () => resolve({ data: new Uint8Array(Buffer.concat(parts)), contentType: response.headers["content-type"] ?? null }));
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EBLOCKED") return fail("it points to a private or local network address.", true);
      if (error.code === "ENOTFOUND") return fail("the host name does not exist.", true);
      if (error.code === "ETIMEDOUT") return fail(`no answer within ${TIMEOUT_MS / 1000} seconds.`, false);
      fail(error.code === "ECONNREFUSED" ? "the connection was refused." : error.message, false);
    });
  });
}
