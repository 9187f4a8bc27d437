/**
 * A stand-in for the app process in fault tests: runs the real job runner against the
 * test database. With STALL_AFTER_EMBED_BATCHES=n, the embedder tells the parent (over
 * IPC) once n batches are stored and then never returns, so the parent can kill this
 * process at a known point in the middle of a job.
 */
import { getEmbedder, setEmbedderForTests } from "@/lib/ai/embeddings";
import { startJobRunner } from "@/lib/flows/background-jobs";

const stallAfter = Number(process.env.STALL_AFTER_EMBED_BATCHES ?? 0);
if (stallAfter > 0) {
  const real = getEmbedder();
  let batches = 0;
  setEmbedderForTests({
    ...real,
    embed: async (texts) => {
      if (++batches > stallAfter) {
        process.send?.({ stalled: batches });
        return new Promise<number[][]>(() => undefined);
      }
      return real.embed(texts);
    },
  });
}
startJobRunner({ concurrency: 1, pollMs: 50, sweeps: [] });
process.send?.({ started: true });
