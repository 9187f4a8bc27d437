import "server-only";
import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { env } from "@/lib/env";
import { findLocalLlm, localLlmPath } from "@/lib/ai/models/llm-manifest";
import { queuedEngine, type LocalLlmEngine } from "./engine";

/*
 * One loaded copy of the local LLM per process, shared by every request and tenant. It
 * is kept on globalThis because Next.js may evaluate this module more than once (route
 * bundles, dev reloads); a second 1–2 GB copy would be worse than useless.
 */

const KEY = Symbol.for("support-platform.local-llm");
type Holder = { [KEY]?: Map<string, Promise<LocalLlmEngine>> };

async function load(id: string): Promise<LocalLlmEngine> {
  const manifest = findLocalLlm(id);
  if (!manifest) throw new Error(`Unknown local model "${id}"`);
  const { MODELS_DIR, LOCAL_LLM_QUEUE_MAX, LOCAL_LLM_THREADS } = env();
  const modelPath = localLlmPath(manifest, MODELS_DIR);
  try {
    await access(modelPath);
  } catch {
    throw new Error(`Local model file ${modelPath} is missing: run \`npm run models:fetch-llm\` (questions escalate to a human until it is there)`);
  }
  const started = Date.now();
  const { loadNodeLlamaEngine } = await import("./node-llama-engine");
  // llama.cpp's threads spin at barriers: on a busy machine more threads than free cores
  // slow generation many times over, and the request thread needs a core of its own.
  const threads = LOCAL_LLM_THREADS || Math.max(1, availableParallelism() - 1);
  const engine = await loadNodeLlamaEngine({ modelId: id, modelPath, contextTokens: manifest.contextTokens, threads });
  console.info(`[local-llm] loaded ${manifest.fileName} in ${Date.now() - started} ms (context ${engine.contextTokens} tokens, ${threads} thread(s))`);
  return queuedEngine(engine, LOCAL_LLM_QUEUE_MAX);
}

/** The shared engine for a local model id, loaded on first use. A failed load is retried on the next call. */
export function getLocalEngine(id: string): Promise<LocalLlmEngine> {
  const holder = globalThis as Holder;
  const engines = (holder[KEY] ??= new Map());
  let engine = engines.get(id);
  if (!engine) {
    engine = load(id);
    engines.set(id, engine);
    engine.catch(() => engines.delete(id));
  }
  return engine;
}
