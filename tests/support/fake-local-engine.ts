import type { ChatTurn, GenerateRequest, LocalGeneration, LocalLlmEngine } from "@/lib/ai/local-llm/engine";

/** How the in-process fake local model behaves (no weights: deterministic and instant). */
export interface FakeLocalBehaviour {
  /** P("Yes"), fixed or from the prompt. */
  yes?: number | ((prompt: string) => number);
  /** The answer, streamed word by word. */
  answer?: string;
  /** generate waits for release() (or the caller's abort) before answering. */
  holdGeneration?: boolean;
  contextTokens?: number;
}

export interface FakeLocalEngine extends LocalLlmEngine {
  calls: { yes: string[]; generate: string[] };
  /** Lets held generations finish. */
  release(): void;
  /** Resolves when a generation has started (and is held). */
  generationStarted: Promise<void>;
}

/** Four characters a token, roughly what English text gives a BPE tokenizer. */
const countTokens = (turns: ChatTurn[]) => Math.ceil(turns.reduce((n, t) => n + t.text.length + 8, 0) / 4);
const promptOf = (turns: ChatTurn[]) => turns.map((t) => t.text).join("\n");

function abortable(signal: AbortSignal | undefined, until: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    void until.then(resolve);
  });
}

export function fakeLocalEngine(behaviour: FakeLocalBehaviour = {}): FakeLocalEngine {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const generationStarted = new Promise<void>((resolve) => (started = resolve));
  const calls = { yes: [] as string[], generate: [] as string[] };
  return {
    modelId: "fake-local",
    contextTokens: behaviour.contextTokens ?? 4096,
    calls,
    release,
    generationStarted,
    countPromptTokens: countTokens,
    async yesProbability(turns, signal) {
      signal?.throwIfAborted();
      const prompt = promptOf(turns);
      calls.yes.push(prompt);
      const { yes = 0.9 } = behaviour;
      return typeof yes === "number" ? yes : yes(prompt);
    },
    async generate(turns: ChatTurn[], request: GenerateRequest): Promise<LocalGeneration> {
      calls.generate.push(promptOf(turns));
      started();
      if (behaviour.holdGeneration) await abortable(request.signal, released);
      const words = (behaviour.answer ?? "You can reset it in Settings [1].").split(/(?<= )/);
      for (const word of words) {
        request.signal?.throwIfAborted();
        request.onText?.(word);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { text: words.join(""), inputTokens: countTokens(turns), outputTokens: words.length, finish: "stop" };
    },
  };
}
