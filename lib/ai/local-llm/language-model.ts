import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
  SharedV4Warning,
} from "@ai-sdk/provider";
import type { ChatTurn, LocalGeneration, LocalLlmEngine } from "./engine";

/*
 * A local LLM as an AI SDK language model (specification v4, the one AI SDK 7 calls), so
 * generateText/streamText and the agent's nodes use it like any hosted model. Text only:
 * tools, files and JSON-schema output are not offered by this provider.
 */

/** Answers are short; this bounds a runaway generation on a slow CPU. */
const DEFAULT_MAX_TOKENS = 512;

function turnsOf(prompt: LanguageModelV4Prompt): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const message of prompt) {
    if (message.role === "system") turns.push({ role: "system", text: message.content });
    else if (message.role === "user" || message.role === "assistant") {
      const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
      turns.push({ role: message.role, text });
    }
  }
  return turns;
}

function warningsOf(options: LanguageModelV4CallOptions): SharedV4Warning[] {
  const warnings: SharedV4Warning[] = [];
  if (options.tools?.length) warnings.push({ type: "unsupported", feature: "tools" });
  if (options.responseFormat?.type === "json") warnings.push({ type: "unsupported", feature: "responseFormat", details: "JSON output is not enforced by the local model" });
  return warnings;
}

function usageOf(generation: Pick<LocalGeneration, "inputTokens" | "outputTokens">): LanguageModelV4Usage {
  return {
    inputTokens: { total: generation.inputTokens, noCache: generation.inputTokens, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: generation.outputTokens, text: generation.outputTokens, reasoning: undefined },
  };
}

function requestOf(options: LanguageModelV4CallOptions) {
  return { maxTokens: options.maxOutputTokens ?? DEFAULT_MAX_TOKENS, temperature: options.temperature ?? 0, signal: options.abortSignal };
}

/** The engine is loaded on first use (seconds, ~1 GB), not when the model object is made. */
export function createLocalLanguageModel(modelId: string, getEngine: () => Promise<LocalLlmEngine>): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: "local",
    modelId,
    supportedUrls: {},

    async doGenerate(options): Promise<LanguageModelV4GenerateResult> {
      const engine = await getEngine();
      const generation = await engine.generate(turnsOf(options.prompt), requestOf(options));
      return {
        content: [{ type: "text", text: generation.text }],
        finishReason: { unified: generation.finish, raw: generation.finish },
        usage: usageOf(generation),
        warnings: warningsOf(options),
      };
    },

    async doStream(options) {
      const turns = turnsOf(options.prompt);
      const request = requestOf(options);
      const id = "text-0";
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          controller.enqueue({ type: "stream-start", warnings: warningsOf(options) });
          let started = false;
          getEngine()
            .then((engine) =>
              engine.generate(turns, {
              ...request,
              onText: (delta) => {
                if (!started) controller.enqueue({ type: "text-start", id });
                started = true;
                controller.enqueue({ type: "text-delta", id, delta });
              },
              }),
            )
            .then((generation) => {
              if (started) controller.enqueue({ type: "text-end", id });
              controller.enqueue({
                type: "finish",
                usage: usageOf(generation),
                finishReason: { unified: generation.finish, raw: generation.finish },
              });
              controller.close();
            })
            .catch((error: unknown) => {
              controller.enqueue({ type: "error", error });
              controller.close();
            });
        },
      });
      return { stream };
    },
  };
}
