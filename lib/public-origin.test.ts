import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { publicOrigin } from "./public-origin";

const original = process.env.APP_URL;
afterEach(() => {
  if (original === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = original;
  resetEnvForTests();
});

function withAppUrl(value: string | undefined) {
  if (value === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = value;
  resetEnvForTests();
}

describe("publicOrigin", () => {
  it("uses the configured APP_URL first", () => {
    withAppUrl("https://support.example.com/");
    expect(publicOrigin(new Headers({ host: "127.0.0.1:4000" }))).toBe("https://support.example.com");
  });

  it("otherwise uses the origin the request came through", () => {
    withAppUrl(undefined);
    expect(publicOrigin(new Headers({ host: "127.0.0.1:4000" }))).toBe("http://127.0.0.1:4000");
    expect(publicOrigin(new Headers({ host: "app.internal", "x-forwarded-host": "help.acme.com", "x-forwarded-proto": "https" }))).toBe(
      "https://help.acme.com",
    );
    expect(publicOrigin(new Headers({ host: "help.acme.com" }))).toBe("https://help.acme.com");
  });

  it("ignores a malformed host header", () => {
    withAppUrl(undefined);
    expect(publicOrigin(new Headers({ host: 'evil.com"><script>' }))).toBe("http://localhost:3000");
  });
});
