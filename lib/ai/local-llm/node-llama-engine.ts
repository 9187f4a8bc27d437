import type { ChatHistoryItem, ControlledEvaluateInputItem, LlamaChat, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { ChatTurn, GenerateRequest, LocalGeneration, LocalLlmEngine } from "./engine";

/*
 * The node-llama-cpp runtime. It is an optional dependency, imported only here and only
 * when CHAT_MODEL=local:…, through a specifier the bundler and the deployment file
 * tracer cannot follow, so a build or a Vercel deployment with OPENAI_API_KEY never needs
 * or ships it. Evaluation runs on llama.cpp's native threads: the JavaScript event loop
 * keeps serving other requests (cache hits) while a generation runs.
 */

type NodeLlamaCpp = typeof import("node-llama-cpp");

const RUNTIME_PACKAGE = "node-llama-cpp";

async function importRuntime(): Promise<NodeLlamaCpp> {
  try {
    return (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ RUNTIME_PACKAGE)) as NodeLlamaCpp;
  } catch (error) {
    throw new Error(
      `CHAT_MODEL selects a local model but ${RUNTIME_PACKAGE} is not installed (it is an optional dependency: run npm install on a supported platform): ${(error as Error).message}`,
    );
  }
}

export interface NodeLlamaOptions {
  modelId: string;
  modelPath: string;
  contextTokens: number;
  threads: number;
}

function historyOf(turns: ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = turns.map((turn) =>
    turn.role === "system"
      ? { type: "system", text: turn.text }
      : turn.role === "user"
        ? { type: "user", text: turn.text }
        : { type: "model", response: [turn.text] },
  );
  // The open model turn the generation (or the Yes/No probability) continues.
  history.push({ type: "model", response: [] });
  return history;
}

function variantsOf(model: LlamaModel, words: string[]): Token[] {
  const ids = new Set<Token>();
  for (const word of words) {
    const tokens = model.tokenize(word);
    if (tokens.length === 1) ids.add(tokens[0]);
  }
  return [...ids];
}

export async function loadNodeLlamaEngine(options: NodeLlamaOptions): Promise<LocalLlmEngine> {
  const { getLlama, LlamaChat: Chat } = await importRuntime();
  // Prebuilt CPU binary only: never compile llama.cpp at run time, never probe for a GPU.
  const llama = await getLlama({ build: "never", gpu: false, progressLogs: false });
  const model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  const context = await model.createContext({
    contextSize: options.contextTokens,
    sequences: 1,
    threads: options.threads,
  });
  const sequence: LlamaContextSequence = context.getSequence();
  const chat: LlamaChat = new Chat({ contextSequence: sequence });
  const yesTokens = variantsOf(model, ["Yes", "yes", "YES", " Yes", " yes"]);
  const noTokens = variantsOf(model, ["No", "no", "NO", " No", " no"]);

  function promptTokens(turns: ChatTurn[]): Token[] {
    const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: historyOf(turns) });
    return contextText.tokenize(model.tokenizer);
  }

  return {
    modelId: options.modelId,
    contextTokens: context.contextSize,
    countPromptTokens: (turns) => promptTokens(turns).length,

    async generate(turns: ChatTurn[], request: GenerateRequest): Promise<LocalGeneration> {
      const inputTokens = promptTokens(turns).length;
      let outputTokens = 0;
      const result = await chat.generateResponse(historyOf(turns), {
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        signal: request.signal,
        onToken: (tokens) => {
          outputTokens += tokens.length;
        },
        onTextChunk: request.onText,
      });
      return {
        text: result.response,
        inputTokens,
        outputTokens,
        finish: result.metadata.stopReason === "maxTokens" ? "length" : "stop",
      };
    },

    async yesProbability(turns: ChatTurn[], signal?: AbortSignal): Promise<number> {
      signal?.throwIfAborted();
      const tokens = promptTokens(turns);
      // Keep the KV cache of the common prefix (the passages), evaluate the rest.
      await sequence.adaptStateToTokens(tokens, false);
      const start = Math.min(sequence.nextTokenIndex, tokens.length - 1);
      if (start < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start, end: sequence.nextTokenIndex }]);
      const rest = tokens.slice(start);
      const last = rest.length - 1;
      const input: ControlledEvaluateInputItem[] = rest.map((token, i) => (i === last ? [token, { generateNext: { probabilities: true } }] : token));
      const output = await sequence.controlledEvaluate(input);
      signal?.throwIfAborted();
      const probabilities = output[last]?.next.probabilities ?? new Map<Token, number>();
      const sum = (ids: Token[]) => ids.reduce((total, id) => total + (probabilities.get(id) ?? 0), 0);
      const yes = sum(yesTokens);
      const no = sum(noTokens);
      return yes + no > 0 ? yes / (yes + no) : 0;
    },
  };
}
