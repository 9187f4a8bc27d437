import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fetchUrl, isBlockedAddress, MAX_URL_BYTES, urlProblem, UrlFetchError } from "@/lib/rag/fetch-url";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/page") return res.writeHead(200, { "content-type": "text/html" }).end("<h1>Hi</h1>");
    if (req.url === "/moved") return res.writeHead(301, { location: "/page" }).end();
    if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
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

afterEach(() => {
  delete process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS;
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
    process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
    const page = await fetchUrl(`${base}/page`);
    expect(new TextDecoder().decode(page.data)).toBe("<h1>Hi</h1>");
    expect(page.contentType).toBe("text/html");
  });

  it("follows redirects, a bounded number of times", async () => {
    process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
    expect((await fetchUrl(`${base}/moved`)).finalUrl).toBe(`${base}/page`);
    expect(await failure(`${base}/loop`)).toMatchObject({ permanent: true, message: expect.stringMatching(/too many redirects/) });
  });

  it("stops reading past the size limit and reports HTTP errors", async () => {
    process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
    expect(await failure(`${base}/huge`)).toMatchObject({ permanent: true, message: expect.stringMatching(/larger than 10 MB/) });
    expect(await failure(`${base}/nothing`)).toMatchObject({ permanent: true, message: expect.stringMatching(/HTTP 404/) });
  });

  it("reports an unreachable server as worth retrying", async () => {
    process.env.KNOWLEDGE_ALLOW_PRIVATE_URLS = "1";
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(`http://127.0.0.1:${port}/`)).toMatchObject({ permanent: false, message: expect.stringMatching(/refused/) });
  });
});
