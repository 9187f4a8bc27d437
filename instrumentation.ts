/**
 * Next.js calls register() once per server process at start-up: the one place the server
 * validates its settings, so a missing or malformed one stops it before the first request.
 * Without Inngest, the jobs queued in the database (ingestion, re-embedding, ...) are run
 * by an in-process runner started here; it resumes whatever an earlier process left queued
 * or running. A local embedding model is loaded and warmed here too, so the first question
 * does not wait for it.
 * A local chat model (CHAT_MODEL=local:…) starts loading here, in the background.
 */
export async function register(): Promise<void> {
  // The one raw environment read outside lib/env.ts: Next documents this literal test, which
  // lets the Edge bundle drop this branch (and with it every Node-only import below).
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env, isProductionBuild } = await import("@/lib/env");
    if (isProductionBuild()) return;
    // Fails naming the setting; says so when development made up a secret.
    const settings = env();
    const { assertKnownChatModel, localLlmIdOf } = await import("@/lib/ai/models/llm-manifest");
    assertKnownChatModel(settings.CHAT_MODEL);
    const { getEmbedder } = await import("@/lib/ai/embeddings");
    const embedder = getEmbedder();
    console.log(`[embeddings] using ${embedder.modelId}`);
    embedder.warm?.().catch((error: unknown) => console.error(`[embeddings] ${(error as Error).message}`));
    if (localLlmIdOf(settings.CHAT_MODEL) !== undefined) void import("@/lib/ai/providers").then((m) => m.warmChatModel());
    if (settings.INNGEST_EVENT_KEY) return;
    const { ensureLocalJobRunner } = await import("@/lib/flows/background-jobs");
    ensureLocalJobRunner();
  }
}
