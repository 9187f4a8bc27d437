import { closePool } from "@/lib/db/pool";
import { HelpRequested, UsageError } from "./args";
import { InputError } from "./input";

type Cleanup = () => Promise<unknown>;

const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | undefined;

/**
 * Registers work that must happen however the run ends (normal exit, error, Ctrl-C):
 * deleting run tenants, stopping servers, dropping the throwaway database. Runs last-in
 * first-out; the returned function unregisters it once done by hand.
 */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.push(fn);
  return () => {
    const at = cleanups.indexOf(fn);
    if (at !== -1) cleanups.splice(at, 1);
  };
}

export function runCleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const fn = cleanups.pop()!;
      await fn().catch((error) => console.error(`[cleanup] ${(error as Error).message}`));
    }
    await closePool().catch(() => undefined);
  })();
  return cleaning;
}

let interrupted = false;

/** True once SIGINT/SIGTERM arrived: long loops stop early and let cleanup run. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Runs a CLI's main (every bench/ and eval/ entry): `--help` prints the usage (which lists
 * the flags) and exits 0; usage and input mistakes exit 2 with their message (and the usage
 * text), other failures exit 1; on SIGINT/SIGTERM the cleanups run before exiting, and a
 * second signal exits at once. main parses its flags first (parseCommandLine), before any work.
 */
export function runCli(usage: string, main: () => Promise<number | void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: cleaning up (press Ctrl-C again to exit at once)…`);
    runCleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  // A closed pipe (`| head`) must not kill the run before it has cleaned up.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  process.on("uncaughtException", (error) => {
    console.error(error);
    runCleanup().finally(() => process.exit(1));
  });
  main()
    .then(async (code) => {
      await runCleanup();
      process.exit(code ?? 0);
    })
    .catch(async (error: unknown) => {
      if (error instanceof HelpRequested) {
        console.log(usage);
        await runCleanup();
        process.exit(0);
      }
      if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
      else if (error instanceof InputError) console.error(`Input error: ${error.message}`);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      await runCleanup();
      process.exit(error instanceof UsageError || error instanceof InputError ? 2 : 1);
    });
}
