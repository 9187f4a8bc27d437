import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HelpRequested, numberFlag, onErrorSchema, parseCommandLine, parseFlags, thresholdListSchema, UsageError } from "./args";

const str = { type: "string" } as const;
const options = { csv: str, tenants: str, thresholds: str, "on-error": str };
const schema = z.object({
  csv: z.string({ message: "--csv is required" }),
  tenants: numberFlag({ int: true, min: 1 }).default(2),
  thresholds: thresholdListSchema.default([0.9]),
  "on-error": onErrorSchema.default("fail"),
});

describe("parseFlags", () => {
  it("parses and coerces flags, applying defaults", () => {
    expect(parseFlags(["--csv", "a.csv", "--tenants", "3", "--thresholds", "0.9,0.8,0.9"], options, schema)).toEqual({
      csv: "a.csv",
      tenants: 3,
      thresholds: [0.8, 0.9],
      "on-error": "fail",
    });
  });

  it("names a missing required flag", () => {
    expect(() => parseFlags([], options, schema)).toThrow(new UsageError("--csv is required"));
  });

  it("rejects unknown flags and positionals", () => {
    expect(() => parseFlags(["--csv", "a", "--nope", "1"], options, schema)).toThrow(UsageError);
    expect(() => parseFlags(["--csv", "a", "extra"], options, schema)).toThrow(UsageError);
  });

  it("reports bad numbers with the flag name", () => {
    expect(() => parseFlags(["--csv", "a", "--tenants", "two"], options, schema)).toThrow(/--tenants: must be a number/);
    expect(() => parseFlags(["--csv", "a", "--tenants", "1.5"], options, schema)).toThrow(/--tenants: must be a whole number/);
    expect(() => parseFlags(["--csv", "a", "--tenants", "0"], options, schema)).toThrow(/--tenants: must be at least 1/);
  });

  it("accepts only skip or fail for --on-error", () => {
    expect(parseFlags(["--csv", "a", "--on-error", "skip"], options, schema)["on-error"]).toBe("skip");
    expect(() => parseFlags(["--csv", "a", "--on-error", "ignore"], options, schema)).toThrow(/--on-error must be skip or fail/);
  });
});

describe("thresholdListSchema", () => {
  it("rejects values outside (0, 1] and non-numbers", () => {
    expect(thresholdListSchema.safeParse("0.5,1.2").success).toBe(false);
    expect(thresholdListSchema.safeParse("0,0.5").success).toBe(false);
    expect(thresholdListSchema.safeParse("x").success).toBe(false);
    expect(thresholdListSchema.safeParse(" , ").success).toBe(false);
    expect(thresholdListSchema.parse("1, 0.85 ,0.8")).toEqual([0.8, 0.85, 1]);
  });
});

describe("parseCommandLine", () => {
  it("derives the options from the schema's keys, with boolean switches", () => {
    const flags = z.object({ out: z.string().default("x"), full: z.boolean().default(false) });
    expect(parseCommandLine(["--full", "--out", "y"], flags, ["full"])).toEqual({ out: "y", full: true });
    expect(parseCommandLine([], flags, ["full"])).toEqual({ out: "x", full: false });
    expect(() => parseCommandLine(["--out"], flags, ["full"])).toThrow(UsageError);
  });

  it("asks for the usage on --help or -h, before checking anything else", () => {
    const flags = z.object({ csv: z.string({ message: "--csv is required" }) });
    expect(() => parseCommandLine(["--help"], flags)).toThrow(HelpRequested);
    expect(() => parseCommandLine(["--nope", "-h"], flags)).toThrow(HelpRequested);
  });
});
