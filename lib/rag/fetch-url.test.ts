import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { fetchUrl, isBlockedAddress, MAX_URL_BYTES, urlProblem, UrlFetchError } from "@/lib/rag/fetch-url";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/page") return res.writeHead(200, { "content-type": "text/html" }).end("<h1>Hi</h1>");
    if (req.url === "/moved") return res.writeHead(301, { location: "/page" }).end();
    if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    if (req.url === "/trickle") {
      // Never idle long enough for the idle timeout, never done.
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("a"), 50);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (req.url === "/huge") {
      res.writeHead(200, { "content-type": "text/plain" });
      const block = Buffer.alloc(1024 * 1024, 97);
      for (let i = 0; i <= MAX_URL_BYTES / block.length; i++) res.write(block);
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** The setting is read through env(), which keeps its parsed copy: forget it on every change. */
function allowPrivateUrls(): void {
  process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
  resetEnvForTests();
}

afterEach(() => {
  delete process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS;
  resetEnvForTests();
});

afterAll(() => {
  server.close();
});

async function failure(url: string): Promise<UrlFetchError> {
  const error = await fetchUrl(url).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UrlFetchError);
  return error as UrlFetchError;
}

describe("address checks", () => {
  it("blocks loopback, private, link-local and mapped addresses, allows public ones", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1"]) {
      expect(isBlockedAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isBlockedAddress(address), address).toBe(false);
    }
  });

  it("blocks IPv6 ranges that embed or translate to IPv4 addresses: IPv4-compatible, NAT64, 6to4, Teredo", () => {
    for (const address of [
      "::127.0.0.1", "::a00:1", "::8.8.8.8", // IPv4-compatible ::/96
      "64:ff9b::7f00:1", "64:ff9b::10.0.0.1", "64:ff9b::8.8.8.8", "64:ff9b:1::a00:1", // NAT64
      "2002:7f00:1::1", "2002:a00:1::", "2002:808:808::1", // 6to4
      "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
      "2001:db8::1", "100::1",
    ]) {
      expect(isBlockedAddress(address), address).toBe(true);
    }
  });

  it("reads IPv4-mapped addresses in any notation as the IPv4 address they are", () => {
    for (const address of ["::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:A9FE:A9FE", "0:0:0:0:0:ffff:192.168.0.1", "::ffff:0a00:0001"]) {
      expect(isBlockedAddress(address), address).toBe(true);
    }
    expect(isBlockedAddress("::ffff:808:808")).toBe(false); // 8.8.8.8
    expect(urlProblem("http://[::ffff:7f00:1]/admin")).toMatch(/private or local/);
    expect(urlProblem("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")).toMatch(/private or local/);
  });

  it("explains what is wrong with a submitted URL", () => {
    expect(urlProblem("not a url")).toBe("This is not a valid URL.");
    expect(urlProblem("ftp://example.com/x")).toBe("Only http and https URLs can be added.");
    expect(urlProblem("https://user:pw@example.com/")).toMatch(/credentials/);
    expect(urlProblem("http://localhost:3000/admin")).toMatch(/private or local/);
    expect(urlProblem("http://[::1]/")).toMatch(/private or local/);
    expect(urlProblem("https://example.com/help")).toBeNull();
  });
});

describe("fetchUrl", () => {
  it("refuses a private address unless private URLs are allowed", async () => {
    expect((await failure(`${base}/page`)).message).toMatch(/private or local/);
    allowPrivateUrls();
    const page = await fetchUrl(`${base}/page`);
    expect(new TextDecoder().decode(page.data)).toBe("<h1>Hi</h1>");
    expect(page.contentType).toBe("text/html");
  });

  it("follows redirects, a bounded number of times", async () => {
    allowPrivateUrls();
    expect((await fetchUrl(`${base}/moved`)).finalUrl).toBe(`${base}/page`);
    expect(await failure(`${base}/loop`)).toMatchObject({ permanent: true, message: expect.stringMatching(/too many redirects/) });
  });

  it("stops reading past the size limit and reports HTTP errors", async () => {
    allowPrivateUrls();
    expect(await failure(`${base}/huge`)).toMatchObject({ permanent: true, message: expect.stringMatching(/larger than 10 MB/) });
    expect(await failure(`${base}/nothing`)).toMatchObject({ permanent: true, message: expect.stringMatching(/HTTP 404/) });
  });

  it("gives up on a server that trickles its answer, at the deadline for the whole fetch", async () => {
    allowPrivateUrls();
    const error = await fetchUrl(`${base}/trickle`, { deadlineMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UrlFetchError);
    expect(error).toMatchObject({ permanent: false, message: expect.stringMatching(/took longer than 0\.4 seconds in total/) });
  });

  it("reports an unreachable server as worth retrying", async () => {
    allowPrivateUrls();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(`http://127.0.0.1:${port}/`)).toMatchObject({ permanent: false, message: expect.stringMatching(/refused/) });
  });
});
