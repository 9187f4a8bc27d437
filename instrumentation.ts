/**
 * Next.js calls register() once per server process at start-up. Without Inngest, the
 * jobs queued in the database (ingestion, re-embedding, ...) are run by an in-process
 * runner started here; it resumes whatever an earlier process left queued or running.
 * A local embedding model is loaded and warmed here too, so the first question does not
 * wait for it.
 * A local chat model (CHAT_MODEL=local:…) starts loading here, in the background.
 */
export async function register(): Promise<void> {
  // The documented form: the Edge bundle drops this branch, and with it the runner's imports.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    if (process.env.NEXT_PHASE === "phase-production-build") return;
    // Validates the settings at start-up and says so when development made up a secret.
    const { env } = await import("@/lib/env");
    env();
    const { getEmbedder } = await import("@/lib/ai/embeddings");
    const embedder = getEmbedder();
    console.log(`[embeddings] using ${embedder.modelId}`);
    embedder.warm?.().catch((error: unknown) => console.error(`[embeddings] ${(error as Error).message}`));
    if (process.env.CHAT_MODEL?.startsWith("local:")) void import("@/lib/ai/providers").then((m) => m.warmChatModel());
    if (process.env.INNGEST_EVENT_KEY) return;
    const { ensureLocalJobRunner } = await import("@/lib/flows/background-jobs");
    ensureLocalJobRunner();
  }
}
