import { createSerialQueue } from "./queue";

/** One message of a chat prompt, as the local runtime takes it. */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  text: string;
}

export interface GenerateRequest {
  maxTokens: number;
  temperature: number;
  signal?: AbortSignal;
  onText?: (delta: string) => void;
}

export interface LocalGeneration {
  text: string;
  inputTokens: number;
  outputTokens: number;
  finish: "stop" | "length";
}

/**
 * What the product needs from a local LLM runtime: chat generation with streamed text,
 * the probability that the next token is "Yes" (a cheap relevance signal), and the
 * prompt's token count (to fit passages into the context window).
 */
export interface LocalLlmEngine {
  readonly modelId: string;
  readonly contextTokens: number;
  countPromptTokens(turns: ChatTurn[]): number;
  generate(turns: ChatTurn[], request: GenerateRequest): Promise<LocalGeneration>;
  yesProbability(turns: ChatTurn[], signal?: AbortSignal): Promise<number>;
}

/**
 * The engine behind a bounded FIFO queue: one call runs at a time, `maxWaiting` may wait,
 * more are refused at once as busy. A caller's abort (its timeout) also frees its place.
 */
export function queuedEngine(engine: LocalLlmEngine, maxWaiting: number): LocalLlmEngine {
  const queue = createSerialQueue(maxWaiting);
  return {
    modelId: engine.modelId,
    contextTokens: engine.contextTokens,
    countPromptTokens: (turns) => engine.countPromptTokens(turns),
    generate: (turns, request) => queue.run(() => engine.generate(turns, request), request.signal),
    yesProbability: (turns, signal) => queue.run(() => engine.yesProbability(turns, signal), signal),
  };
}
