/**
 * `npm run bench:embedder`: the default embedder alone, in this process, no database:
 * - load: time to load the model and run one warm-up inference, and the RSS it adds;
 * - single: questions embedded one after another (a distinct question each, so the LRU
 *   never answers), texts/s and p50/p99 ms per question;
 * - concurrent: CONCURRENCY callers each embedding one question at a time, as the chat
 *   does under load (the local embedder micro-batches them), texts/s and p50/p99;
 * - documents: ingestion-sized passages (~120 words) in calls of 64, texts/s;
 * - repeat: a question asked before (LRU hit), p50 ms.
 * Questions are banking77 phrasings (BANKING77_PATH, default ../shared/eval beside the
 * repository) when present, else generated.
 *
 *   BENCH_QUERIES=400 BENCH_CONCURRENCY=16 BENCH_DOCUMENTS=256 npm run bench:embedder
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createTextGenerator } from "@/bench/lib/corpus";
import { runCli } from "@/bench/lib/lifecycle";
import { emitResult, latencyJson } from "@/bench/lib/result";
import { getEmbedder } from "@/lib/ai/embeddings";
import { parseCsv } from "@/eval/lib/csv";

const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 256);
const BANKING77 = process.env.BANKING77_PATH ?? path.resolve(import.meta.dirname, "../../shared/eval/banking77-train.csv");

function questions(count: number): string[] {
  if (existsSync(BANKING77)) {
    const table = parseCsv(readFileSync(BANKING77, "utf8"), { file: BANKING77, onError: "skip", required: ["text"] });
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
  const embedder = getEmbedder();
  const rssBefore = rssMb();
  const loadStart = performance.now();
  await (embedder.warm ? embedder.warm() : embedder.embed(["warm-up"]));
  const loadMs = performance.now() - loadStart;
  const rssLoaded = rssMb();
  console.error(`bench:embedder ${embedder.modelId} (questions: ${existsSync(BANKING77) ? "banking77" : "generated"}): loaded in ${loadMs.toFixed(0)} ms, RSS ${rssBefore} → ${rssLoaded} MB`);

  // Three disjoint question sets, so no phase is served by an earlier phase's LRU entries.
  const all = questions(QUERIES * 2 + 1);
  const single = await timeEach(all.slice(0, QUERIES), 1);
  console.error(`single: ${(QUERIES / single.seconds).toFixed(0)} texts/s`);
  const concurrent = await timeEach(all.slice(QUERIES, QUERIES * 2), CONCURRENCY);
  console.error(`concurrent (${CONCURRENCY}): ${(QUERIES / concurrent.seconds).toFixed(0)} texts/s`);
  const repeat = await timeEach(Array.from({ length: 200 }, () => all[0]), 1);

  const gen = createTextGenerator(11);
  const docs = Array.from({ length: DOCUMENTS }, () => gen.paragraph(120));
  const docStart = performance.now();
  for (let i = 0; i < docs.length; i += 64) await embedder.embed(docs.slice(i, i + 64));
  const docSeconds = (performance.now() - docStart) / 1000;
  console.error(`documents: ${(DOCUMENTS / docSeconds).toFixed(1)} texts/s`);

  emitResult({
    benchmark: "embedder",
    embedder: embedder.modelId,
    load: { ms: Math.round(loadMs), rssBeforeMb: rssBefore, rssLoadedMb: rssLoaded, rssAfterMb: rssMb() },
    single: { textsPerSecond: Math.round(QUERIES / single.seconds), latencyMs: latencyJson(single.ms) },
    concurrent: { callers: CONCURRENCY, textsPerSecond: Math.round(QUERIES / concurrent.seconds), latencyMs: latencyJson(concurrent.ms) },
    repeat: { latencyMs: latencyJson(repeat.ms) },
    documents: { words: 120, callSize: 64, textsPerSecond: Math.round((DOCUMENTS / docSeconds) * 10) / 10 },
  });
}

runCli("npm run bench:embedder (settings by BENCH_QUERIES, BENCH_CONCURRENCY, BENCH_DOCUMENTS)", main);
