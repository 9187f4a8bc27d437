import "server-only";
import { existsSync } from "node:fs";
import type { LanguageModel } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { env } from "@/lib/env";
import { assertKnownChatModel, findLocalLlm, localLlmIdOf, localLlmPath } from "@/lib/ai/models/llm-manifest";
import type { LocalLlmEngine } from "@/lib/ai/local-llm/engine";
import { createLocalLanguageModel } from "@/lib/ai/local-llm/language-model";
import type { RelevanceCalibration } from "@/lib/ai/local-llm/relevance";
import { RELEVANCE_CALIBRATION } from "@/lib/ai/local-llm/relevance-calibration";
import { getLocalEngine } from "@/lib/ai/local-llm/runtime";

/** A model object (never a gateway id string: every model is resolved here). */
export type ChatModel = Exclude<LanguageModel, string>;

/** Recorded on answers produced without a language model. */
export const OFFLINE_CHAT_MODEL_ID = "offline-extractive-v1";

/**
 * A local LLM also gives the agent its runtime (token counts, to fit passages into the
 * context) and a calibrated relevance signal, P("Yes") to "do these passages answer it?".
 */
export interface LocalChatModel {
  engine: () => Promise<LocalLlmEngine>;
  calibration: RelevanceCalibration;
}

/**
 * What answers the chat: a language model (hosted, or local with `local` set), or the
 * offline extractive answerer (lib/ai/offline-answerer.ts), which the UI labels "offline mode".
 */
export type ChatModelChoice =
  | { mode: "model"; id: string; model: ChatModel; local?: LocalChatModel }
  | { mode: "offline"; id: typeof OFFLINE_CHAT_MODEL_ID };

const OFFLINE: ChatModelChoice = { mode: "offline", id: OFFLINE_CHAT_MODEL_ID };

let override: ChatModelChoice | undefined;
let configured: ChatModelChoice | undefined;

const NO_CALIBRATION: RelevanceCalibration = { a: 1, b: 0 };

function localChoice(id: string, engine: () => Promise<LocalLlmEngine>): ChatModelChoice {
  return {
    mode: "model",
    id: `local:${id}`,
    model: createLocalLanguageModel(id, engine),
    local: { engine, calibration: RELEVANCE_CALIBRATION[id] ?? NO_CALIBRATION },
  };
}

/**
 * The ONE registry for chat models: a local GGUF model run by node-llama-cpp when
 * CHAT_MODEL=local:<id> (whatever else is set), OpenAI (CHAT_MODEL) when OPENAI_API_KEY
 * is set, any OpenAI-compatible server (Ollama, vLLM, LM Studio) when OPENAI_BASE_URL is
 * set, and the offline answerer when none is configured.
 */
export function getChatModel(): ChatModelChoice {
  if (override) return override;
  if (configured) return configured;
  const { OPENAI_API_KEY, OPENAI_BASE_URL, CHAT_MODEL } = env();
  assertKnownChatModel(CHAT_MODEL); // checked at server start too; CLIs that use the registry are checked here
  const localId = localLlmIdOf(CHAT_MODEL);
  const manifest = localId ? findLocalLlm(localId) : undefined;
  if (localId && manifest) {
    const file = localLlmPath(manifest, env().MODELS_DIR);
    if (existsSync(file)) configured = localChoice(localId, () => getLocalEngine(localId));
    else {
      console.warn(`[models] ${CHAT_MODEL}: ${file} is missing (npm run models:fetch-llm); answering with the offline answerer instead.`);
      configured = OFFLINE;
    }
    return configured;
  }
  if (!OPENAI_API_KEY && !OPENAI_BASE_URL) {
    configured = OFFLINE;
    return configured;
  }
  const provider = createOpenAI({ apiKey: OPENAI_API_KEY ?? "not-needed", baseURL: OPENAI_BASE_URL });
  // Compatible servers implement Chat Completions; only OpenAI itself has the Responses API.
  configured = OPENAI_BASE_URL
    ? { mode: "model", id: `openai-compatible:${CHAT_MODEL}`, model: provider.chat(CHAT_MODEL) }
    : { mode: "model", id: `openai:${CHAT_MODEL}`, model: provider.responses(CHAT_MODEL) };
  return configured;
}

/**
 * Loads a local model at server start instead of on the first visitor's question (seconds
 * and ~2 GB). A failure is logged here and surfaces again, as an escalation, on use.
 */
export async function warmChatModel(): Promise<void> {
  const choice = getChatModel();
  if (choice.mode !== "model" || !choice.local) return;
  await choice.local.engine().catch((error: unknown) => console.error(`[models] ${choice.id} failed to load: ${(error as Error).message}`));
}

/** Per-call budget for any model call; exceeding it escalates to a human. A CPU-bound local model gets its own. */
export function modelTimeoutMs(): number {
  const choice = getChatModel();
  return choice.mode === "model" && choice.local ? env().LOCAL_LLM_TIMEOUT_MS : env().MODEL_TIMEOUT_MS;
}

/**
 * Tests swap the chat model here and nowhere else: an `ai/test` mock model, "offline" to
 * force the offline answerer, a local engine (a fake one, no weights), or undefined to go
 * back to the configured one.
 */
export function setChatModelForTests(model: ChatModel | "offline" | { localEngine: LocalLlmEngine } | undefined): void {
  if (model === undefined) override = undefined;
  else if (model === "offline") override = OFFLINE;
  else if ("localEngine" in model) {
    const engine = model.localEngine;
    override = localChoice(engine.modelId, async () => engine);
  } else override = { mode: "model", id: `test:${model.modelId}`, model };
}
