import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { z } from "zod";

/** A command-line mistake: the CLI prints it with its usage and exits 2, before any work. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--help` (or `-h`) was asked for: the CLI prints its usage, which lists every flag, and exits 0. */
export class HelpRequested extends Error {
  constructor() {
    super("help requested");
    this.name = "HelpRequested";
  }
}

/** What to do with a malformed input line: drop it with a warning, or stop the run. */
export const onErrorSchema = z.enum(["skip", "fail"], { message: "--on-error must be skip or fail" });
export type OnError = z.infer<typeof onErrorSchema>;

/**
 * The one argument parser of the command-line tools (bench/, eval/): parses `--flag value`
 * arguments strictly (unknown flags and stray positionals are errors), then validates and
 * coerces them with a zod schema whose keys are the flag names. Every problem becomes one
 * UsageError naming the flag; `--help` anywhere becomes HelpRequested.
 */
export function parseFlags<S extends z.ZodType>(argv: string[], options: ParseArgsOptionsConfig, schema: S): z.infer<S> {
  if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested();
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const flag = issue.path.length ? `--${issue.path.join(".")}` : "arguments";
      return issue.message.startsWith("--") ? issue.message : `${flag}: ${issue.message}`;
    });
    throw new UsageError(lines.join("\n"));
  }
  return parsed.data;
}

/**
 * parseFlags for a z.object whose keys are the flag names: every flag takes a value,
 * except the listed boolean switches.
 */
export function parseCommandLine<S extends z.ZodObject>(argv: string[], schema: S, switches: string[] = []): z.infer<S> {
  const options: ParseArgsOptionsConfig = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, { type: switches.includes(name) ? "boolean" : "string" }]),
  );
  return parseFlags(argv, options, schema);
}

/** A string flag holding a number, e.g. `--tenants 2`. */
export function numberFlag(options: { int?: boolean; min?: number; max?: number } = {}) {
  let base = z.number({ message: "must be a number" });
  if (options.int) base = base.int("must be a whole number");
  if (options.min !== undefined) base = base.min(options.min, `must be at least ${options.min}`);
  if (options.max !== undefined) base = base.max(options.max, `must be at most ${options.max}`);
  return z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), base);
}

/** `--thresholds 0.8,0.85,0.9`: a non-empty, sorted, de-duplicated list of numbers in (0, 1]. */
export const thresholdListSchema = z
  .string()
  .transform((text, ctx) => {
    const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
    const numbers = parts.map(Number);
    const bad = parts.filter((_p, i) => !Number.isFinite(numbers[i]) || numbers[i] <= 0 || numbers[i] > 1);
    if (parts.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: "custom", message: `needs numbers in (0, 1] separated by commas${bad.length ? `; bad: ${bad.join(", ")}` : ""}` });
      return z.NEVER;
    }
    return [...new Set(numbers)].sort((a, b) => a - b);
  });

