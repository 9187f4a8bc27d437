import { createInflate, constants } from "node:zlib";

/**
 * A PDF's streams are usually Flate-compressed, and Flate reaches ratios above 1000:1: a
 * 0.2 MB file can hold hundreds of megabytes of page content that a PDF reader inflates
 * into memory (a "zip bomb"). This measures what a text extractor would inflate, without
 * keeping any of it, and stops as soon as the total passes `maxBytes`.
 *
 * Image streams are not counted: text extraction never decodes them. Streams whose first
 * filter is not Flate (rare: LZW, run-length) cannot be measured here; the extraction
 * sandbox's memory limit is the backstop for those.
 */
export async function exceedsInflatedSize(data: Uint8Array, maxBytes: number): Promise<boolean> {
  const pdf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let total = 0;
  for (const stream of flateStreams(pdf)) {
    total += await inflatedLength(stream.body, stream.layers, maxBytes - total);
    if (total > maxBytes) return true;
  }
  return false;
}

interface FlateStream {
  body: Buffer;
  /** How many FlateDecode filters are applied in a row, from the first. */
  layers: number;
}

const STREAM = Buffer.from("stream");
const END_STREAM = Buffer.from("endstream");
// The dictionary of a stream sits between its "obj" keyword and "stream"; this bounds the look-back.
const MAX_DICT_BYTES = 4096;

function* flateStreams(pdf: Buffer): Generator<FlateStream> {
  let at = pdf.indexOf(STREAM);
  while (at !== -1) {
    const isKeyword = pdf[at - 1] !== 0x64 /* d of endstream */ && (pdf[at + 6] === 0x0a || pdf[at + 6] === 0x0d);
    if (!isKeyword) {
      at = pdf.indexOf(STREAM, at + STREAM.length);
      continue;
    }
    const start = at + 6 + (pdf[at + 6] === 0x0d && pdf[at + 7] === 0x0a ? 2 : 1);
    const end = pdf.indexOf(END_STREAM, start);
    if (end === -1) return;
    const dict = pdf.toString("latin1", Math.max(0, at - MAX_DICT_BYTES), at);
    const ownDict = dict.slice(dict.lastIndexOf("obj") + 1);
    const layers = flateLayers(ownDict);
    if (layers > 0 && !/\/Subtype\s*\/Image\b/.test(ownDict)) yield { body: pdf.subarray(start, end), layers };
    at = pdf.indexOf(STREAM, end + END_STREAM.length);
  }
}

/** Leading FlateDecode filters of a stream dictionary: `/Filter /FlateDecode` or `/Filter [/FlateDecode /FlateDecode …]`. */
function flateLayers(dict: string): number {
  const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dict)?.[1];
  if (!filter) return 0;
  const names = filter.match(/\/[A-Za-z0-9]+/g) ?? [];
  let layers = 0;
  while (layers < names.length && (names[layers] === "/FlateDecode" || names[layers] === "/Fl")) layers++;
  return layers;
}

/**
 * Inflates through `layers` Flate decoders, counting the last one's output and dropping
 * it; stops past `budget`. Damaged data counts what decoded before the damage, as a
 * lenient PDF reader would.
 */
function inflatedLength(body: Buffer, layers: number, budget: number): Promise<number> {
  return new Promise((resolve) => {
    const decoders = Array.from({ length: layers }, () => createInflate({ finishFlush: constants.Z_SYNC_FLUSH }));
    for (let i = 0; i + 1 < decoders.length; i++) decoders[i].pipe(decoders[i + 1]);
    const last = decoders[decoders.length - 1];
    let counted = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const decoder of decoders) decoder.destroy();
      resolve(counted);
    };
    last.on("data", (part: Buffer) => {
      counted += part.length;
      if (counted > budget) finish();
    });
    last.on("end", finish);
    for (const decoder of decoders) decoder.on("error", finish);
    decoders[0].end(body);
  });
}
