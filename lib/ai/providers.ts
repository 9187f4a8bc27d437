import "server-only";
import type { LanguageModel } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { env } from "@/lib/env";

/** A model object (never a gateway id string: every model is resolved here). */
export type ChatModel = Exclude<LanguageModel, string>;

/** Recorded on answers produced without a language model. */
export const OFFLINE_CHAT_MODEL_ID = "offline-extractive-v1";

/**
 * What answers the chat: a language model, or the offline extractive answerer
 * (lib/ai/offline-answerer.ts), which the UI labels "offline mode".
 */
export type ChatModelChoice = { mode: "model"; id: string; model: ChatModel } | { mode: "offline"; id: typeof OFFLINE_CHAT_MODEL_ID };

const OFFLINE: ChatModelChoice = { mode: "offline", id: OFFLINE_CHAT_MODEL_ID };

let override: ChatModelChoice | undefined;
let configured: ChatModelChoice | undefined;

/**
 * The ONE registry for chat models: OpenAI (CHAT_MODEL) when OPENAI_API_KEY is set, any
 * OpenAI-compatible server (Ollama, vLLM, LM Studio) when OPENAI_BASE_URL is set, and the
 * offline answerer when neither is configured.
 */
export function getChatModel(): ChatModelChoice {
  if (override) return override;
  if (configured) return configured;
  const { OPENAI_API_KEY, OPENAI_BASE_URL, CHAT_MODEL } = env();
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

/** Per-call budget for any model call; exceeding it escalates to a human. */
export function modelTimeoutMs(): number {
  return env().MODEL_TIMEOUT_MS;
}

/**
 * Tests swap the chat model here and nowhere else: an `ai/test` mock model, "offline" to
 * force the offline answerer, or undefined to go back to the configured one.
 */
export function setChatModelForTests(model: ChatModel | "offline" | undefined): void {
  if (model === undefined) override = undefined;
  else if (model === "offline") override = OFFLINE;
  else override = { mode: "model", id: `test:${model.modelId}`, model };
}
