import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { env } from "@/lib/env";

export const MAX_URL_BYTES = 10 * 1024 * 1024;
/** Idle time allowed between two packets; the whole fetch has its own deadline (a setting). */
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
// IPv6 ranges that embed or translate to an IPv4 address are refused whole, since the
// IPv4 address they lead to may be private: IPv4-compatible (::/96, with :: and ::1),
// NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo
// (2001::/32). Plus discard-only, documentation, unique-local, link-local and multicast.
for (const [net, prefix] of [
  ["::", 96], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 32], ["2001:db8::", 32], ["2002::", 16],
  ["fc00::", 7], ["fe80::", 10], ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** Self-hosted installs may index their intranet: KNOWLEDGE_ALLOW_PRIVATE_URLS=1. */
function privateNetworkAllowed(): boolean {
  return env().KNOWLEDGE_ALLOW_PRIVATE_URLS === "1";
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return blocked.check(address, "ipv4");
  // An IPv4-mapped address (::ffff:a.b.c.d, or ::ffff:7f00:1 in hex) is the IPv4 address.
  const mapped = ipv4MappedTarget(address);
  return mapped ? blocked.check(mapped, "ipv4") : blocked.check(address, "ipv6");
}

/** The IPv4 address inside ::ffff:0:0/96, whichever way it is written; null for other addresses. */
function ipv4MappedTarget(address: string): string | null {
  const words = ipv6Words(address.toLowerCase());
  if (!words || words.slice(0, 5).some((w) => w !== 0) || words[5] !== 0xffff) return null;
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join(".");
}

/** The eight 16-bit words of a valid IPv6 address (isIP has checked it). */
function ipv6Words(address: string): number[] | null {
  let text = address.replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const part = (s: string | undefined) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const words = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 ? words : null;
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

/**
 * Fetches a URL for ingestion: bounded in size and redirects, never a private address,
 * and bounded in time twice: an idle timeout, and a deadline for the whole fetch
 * (redirects included), so a server trickling one byte at a time cannot hold a job.
 */
export async function fetchUrl(raw: string, options: { deadlineMs?: number } = {}): Promise<FetchedUrl> {
  const deadlineMs = options.deadlineMs ?? env().INGEST_FETCH_TIMEOUT_SECONDS * 1000;
  const deadline = Date.now() + deadlineMs;
  let current = raw;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const problem = urlProblem(current);
    if (problem) throw new UrlFetchError(`Could not fetch ${current}: ${problem}`, true);
    const result = await requestOnce(new URL(current), { deadline, deadlineMs });
    if ("redirect" in result) {
      current = new URL(result.redirect, current).toString();
      continue;
    }
    return { ...result, finalUrl: current };
  }
  throw new UrlFetchError(`Could not fetch ${raw}: too many redirects.`, true);
}

function requestOnce(
  url: URL,
  time: { deadline: number; deadlineMs: number },
): Promise<{ redirect: string } | { data: Uint8Array; contentType: string | null }> {
  const client = url.protocol === "https:" ? https : http;
  let overdue: NodeJS.Timeout | undefined;
  return new Promise<{ redirect: string } | { data: Uint8Array; contentType: string | null }>((resolve, reject) => {
    const fail = (message: string, permanent: boolean) => reject(new UrlFetchError(`Could not fetch ${url}: ${message}`, permanent));
    overdue = setTimeout(() => {
      fail(`it took longer than ${time.deadlineMs / 1000} seconds in total.`, false);
      request.destroy();
    }, Math.max(0, time.deadline - Date.now()));
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
  }).finally(() => clearTimeout(overdue));
}
