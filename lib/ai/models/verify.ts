import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ModelFile, ModelSource, ModelSpec } from "./manifest";

export function sha256OfBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The source whose pinned hash the bytes have, if any. */
export function matchingSource(file: ModelFile, sha256: string): ModelSource | undefined {
  return file.sources.find((s) => s.sha256 === sha256);
}

export type ModelCheck =
  | { ok: true; hashes: Record<string, string> }
  | { ok: false; file: string; problem: "missing" | "corrupt"; message: string };

/**
 * Checks every file of a model folder against the pinned hashes (synchronously, once per
 * process: about 0.1 s for MiniLM). A file that is missing or has other bytes makes the
 * model unusable, and the message names it.
 */
export function checkModelFolder(spec: ModelSpec, dir: string): ModelCheck {
  const hashes: Record<string, string> = {};
  for (const file of spec.files) {
    const full = path.join(dir, file.name);
    if (!existsSync(full)) {
      return { ok: false, file: full, problem: "missing", message: `model file ${full} is missing` };
    }
    const sha256 = sha256OfBytes(readFileSync(full));
    if (!matchingSource(file, sha256)) {
      return {
        ok: false,
        file: full,
        problem: "corrupt",
        message: `model file ${full} is corrupt (SHA-256 ${sha256} matches no pinned source)`,
      };
    }
    hashes[file.name] = sha256;
  }
  return { ok: true, hashes };
}
