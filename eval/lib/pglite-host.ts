/**
 * Serves an in-memory embedded database (PGlite, migrated) from its own process for a
 * benchmark: prints `READY <url>` when clients may connect, and stops when its stdin
 * closes (the parent ended or cleaned up) or on SIGTERM.
 */
import { startEmbeddedDatabase } from "@/lib/db/embedded";

const db = await startEmbeddedDatabase({ dataDir: null });
console.log(`READY ${db.url}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await db.stop().catch(() => undefined);
  process.exit(0);
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", () => undefined); // the parent handles Ctrl-C and closes stdin
