import { getEmbedder } from "@/lib/ai/embeddings";
import { round } from "./stats";
import { wasInterrupted } from "./lifecycle";
import { latencyJson } from "./result";

/**
 * The configured embedder alone, in this process, asked the way the chat asks it: one
 * question per call from `clients` concurrent callers for `seconds` (an embedder that
 * batches concurrent calls may do so). The ceiling for questions that must be embedded.
 */
export async function embedderAloneRate(texts: string[], clients: number, seconds: number) {
  const embedder = getEmbedder();
  await embedder.embed(texts.slice(0, 8)); // warm: model loaded, code paths compiled
  const ms: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end && !wasInterrupted(); i += clients) {
        const t = performance.now();
        await embedder.embed([`${texts[i % texts.length]} (${i})`]);
        ms.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { embedder: embedder.modelId, clients, per_s: round(ms.length / elapsed) ?? 0, latency_ms: latencyJson(ms) };
}
