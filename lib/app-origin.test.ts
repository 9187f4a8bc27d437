import { describe, expect, it } from "vitest";
import { appOrigin } from "@/lib/app-origin";

const request = (headers: Record<string, string>) => new Headers(headers);

describe("appOrigin", () => {
  it("uses the configured APP_URL, whatever the request says", () => {
    const headers = request({ host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "https" });
    expect(appOrigin(headers, "https://support.acme.com/some/path")).toBe("https://support.acme.com");
  });

  it("never takes the origin from X-Forwarded-Host: without APP_URL it is the request's own Host", () => {
    const headers = request({ host: "127.0.0.1:3150", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(appOrigin(headers, undefined)).toBe("http://127.0.0.1:3150");
    expect(appOrigin(request({ host: "support.acme.com" }), undefined)).toBe("https://support.acme.com");
    expect(appOrigin(request({ host: "localhost:3000" }), undefined)).toBe("http://localhost:3000");
    expect(appOrigin(request({ host: "[::1]:3000" }), undefined)).toBe("http://[::1]:3000");
  });

  it("refuses a Host that is not a plain host name or address", () => {
    for (const host of ['evil.example/"><script>', "evil.example@other", "a b", ""]) {
      expect(appOrigin(request({ host }), undefined), host).toBe("http://localhost:3000");
    }
  });
});
