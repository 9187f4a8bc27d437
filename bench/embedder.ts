/**
 * `npm run bench:embedder`: the default embedder alone, in this process, no database:
 * - load: time to load the model and run one warm-up inference, and the RSS it adds;
 * - single: questions embedded one after another (a distinct question each, so the LRU
 *   never answers), texts/s and p50/p99 ms per question;
 * - concurrent: --concurrency callers each embedding one question at a time, as the chat
 *   does under load (the local embedder micro-batches them), texts/s and p50/p99;
 * - documents: ingestion-sized passages (~120 words) in calls of 64, texts/s;
 * - repeat: a question asked before (LRU hit), p50 ms.
 * Questions are banking77 phrasings (--banking77, default ../shared/eval beside the
 * repository) when present, else generated.
 *
 *   npm run bench:embedder -- [--queries 400] [--concurrency 16] [--documents 256]
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { createTextGenerator } from "@/eval/lib/corpus";
import { BANKING77_CSV } from "@/eval/lib/datasets";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult, latencyJson } from "@/eval/lib/result";
import { getEmbedder } from "@/lib/ai/embeddings";
import { parseCsv } from "@/eval/lib/csv";

const USAGE = `Usage: npm run bench:embedder -- [options]
  --queries N      questions embedded one at a time, and again by concurrent callers (default 400)
  --concurrency N  concurrent callers (default 16)
  --documents N    ingestion-sized passages, embedded in calls of 64 (default 256)
  --banking77 FILE questions to embed (default ../shared/eval/banking77-train.csv beside the repository; generated when missing)`;

const flags = z.object({
  queries: numberFlag({ int: true, min: 1, max: 100_000 }).default(400),
  concurrency: numberFlag({ int: true, min: 1, max: 1_000 }).default(16),
  documents: numberFlag({ int: true, min: 1, max: 100_000 }).default(256),
  banking77: z.string().default(BANKING77_CSV),
});

function questions(file: string, count: number): string[] {
  if (existsSync(file)) {
    const table = parseCsv(readFileSync(file, "utf8"), { file, onError: "skip", required: ["text"] });
    const texts = [...new Set(table.rows.map((r) => r.value.text))];
    if (texts.length >= count) return texts.slice(0, count);
  }
  const gen = createTextGenerator(7);
  return Array.from({ length: count }, () => `${gen.paragraph(10)}?`);
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function timeEach(texts: string[], concurrency: number): Promise<{ ms: number[]; seconds: number }> {
  const embedder = getEmbedder();
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < texts.length) {
        const text = texts[next++];
        const t = performance.now();
        await embedder.embed([text]);
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const { queries, concurrency, documents, banking77 } = parseCommandLine(process.argv.slice(2), flags);
  const embedder = getEmbedder();
  const rssBefore = rssMb();
  const loadStart = performance.now();
  await (embedder.warm ? embedder.warm() : embedder.embed(["warm-up"]));
  const loadMs = performance.now() - loadStart;
  const rssLoaded = rssMb();
  console.error(`bench:embedder ${embedder.modelId} (questions: ${existsSync(banking77) ? "banking77" : "generated"}): loaded in ${loadMs.toFixed(0)} ms, RSS ${rssBefore} → ${rssLoaded} MB`);

  // Three disjoint question sets, so no phase is served by an earlier phase's LRU entries.
  const all = questions(banking77, queries * 2 + 1);
  const single = await timeEach(all.slice(0, queries), 1);
  console.error(`single: ${(queries / single.seconds).toFixed(0)} texts/s`);
  const concurrent = await timeEach(all.slice(queries, queries * 2), concurrency);
  console.error(`concurrent (${concurrency}): ${(queries / concurrent.seconds).toFixed(0)} texts/s`);
  const repeat = await timeEach(Array.from({ length: 200 }, () => all[0]), 1);

  const gen = createTextGenerator(11);
  const docs = Array.from({ length: documents }, () => gen.paragraph(120));
  const docStart = performance.now();
  for (let i = 0; i < docs.length; i += 64) await embedder.embed(docs.slice(i, i + 64));
  const docSeconds = (performance.now() - docStart) / 1000;
  console.error(`documents: ${(documents / docSeconds).toFixed(1)} texts/s`);

  emitResult({
    benchmark: "embedder",
    embedder: embedder.modelId,
    load: { ms: Math.round(loadMs), rssBeforeMb: rssBefore, rssLoadedMb: rssLoaded, rssAfterMb: rssMb() },
    single: { textsPerSecond: Math.round(queries / single.seconds), latencyMs: latencyJson(single.ms) },
    concurrent: { callers: concurrency, textsPerSecond: Math.round(queries / concurrent.seconds), latencyMs: latencyJson(concurrent.ms) },
    repeat: { latencyMs: latencyJson(repeat.ms) },
    documents: { words: 120, callSize: 64, textsPerSecond: Math.round((documents / docSeconds) * 10) / 10 },
  });
}

runCli(USAGE, main);
