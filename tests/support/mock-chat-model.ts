import { simulateReadableStream } from "ai";
import { MockLanguageModelV4 } from "ai/test";

/** How the mock behaves at each model-calling node of the agent. */
export interface MockChatBehaviour {
  /** grade: every passage relevant, or none. */
  relevant?: "all" | "none";
  /** generate: the answer text (cite passages as [1], [2]). */
  answer?: string;
  /** assess_confidence: the model's own score. */
  score?: number;
  /** Throw at this node ("hang" waits until the call is aborted by the timeout). */
  failAt?: "grade" | "generate" | "assess";
  hang?: boolean;
  /** generate: milliseconds between streamed words (null: all at once). */
  delayMs?: number | null;
}

type GenerateOptions = Parameters<MockLanguageModelV4["doGenerate"]>[0];

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 10, text: 10, reasoning: undefined },
};

function systemText(options: GenerateOptions): string {
  return options.prompt.flatMap((m) => (m.role === "system" ? [m.content] : [])).join("\n");
}

function userText(options: GenerateOptions): string {
  return options.prompt
    .flatMap((m) => (m.role === "user" ? m.content.flatMap((p) => (p.type === "text" ? [p.text] : [])) : []))
    .join("\n");
}

function hangUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason ?? new Error("aborted")), { once: true });
  });
}

/**
 * A deterministic chat model for the agent's nodes: it tells the grade call from the
 * assess call by their system prompts, and answers each as configured. Every call is
 * recorded on the model (doGenerateCalls / doStreamCalls).
 */
export function mockChatModel(behaviour: MockChatBehaviour = {}): MockLanguageModelV4 {
  const fail = async (node: MockChatBehaviour["failAt"], signal: AbortSignal | undefined) => {
    if (behaviour.failAt !== node) return;
    if (behaviour.hang) await hangUntilAborted(signal);
    throw new Error(`mock model failure at ${node}`);
  };
  return new MockLanguageModelV4({
    modelId: "mock-support-model",
    doGenerate: async (options) => {
      const isGrade = systemText(options).includes("You grade search results");
      await fail(isGrade ? "grade" : "assess", options.abortSignal);
      const passages = [...userText(options).matchAll(/^\[(\d+)\] Title:/gm)].map((m) => Number(m[1]));
      const json = isGrade
        ? { verdicts: passages.map((passage) => ({ passage, relevant: behaviour.relevant !== "none" })) }
        : { score: behaviour.score ?? 0.9, reason: "mock" };
      return { content: [{ type: "text", text: JSON.stringify(json) }], finishReason: { unified: "stop", raw: undefined }, usage, warnings: [] };
    },
    doStream: async (options) => {
      await fail("generate", options.abortSignal);
      const words = (behaviour.answer ?? "You can reset it from the sign-in page [1].").split(/(?<= )/);
      return {
        stream: simulateReadableStream({
          chunkDelayInMs: behaviour.delayMs ?? null,
          initialDelayInMs: null,
          chunks: [
            { type: "text-start" as const, id: "t" },
            ...words.map((delta) => ({ type: "text-delta" as const, id: "t", delta })),
            { type: "text-end" as const, id: "t" },
            { type: "finish" as const, finishReason: { unified: "stop" as const, raw: undefined }, usage },
          ],
        }),
      };
    },
  });
}

/** All model calls a mock has received. */
export function modelCallCount(model: MockLanguageModelV4): number {
  return model.doGenerateCalls.length + model.doStreamCalls.length;
}
