import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { RunMemo } from "./question-embedding";
import type { GenerationStats } from "./state";

/** Tokens of text when the producer does not count them (the offline answerer): ~0.75 words a token. */
export function estimateTokens(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.ceil(words / 0.75);
}

/**
 * Times one generation: from the question reaching the agent (the run's memo) to the
 * first token, and the output rate after it.
 */
export function startGenerationTimer(config: LangGraphRunnableConfig) {
  const startedAt = (config.configurable?.memo as RunMemo | undefined)?.startedAt ?? performance.now();
  let firstAt: number | null = null;
  return {
    firstToken(): void {
      firstAt ??= performance.now();
    },
    stats(outputTokens: number): GenerationStats | null {
      if (firstAt === null) return null;
      const seconds = (performance.now() - firstAt) / 1000;
      // One token, or all of them in the same instant, says nothing about the rate.
      const tokensPerSecond = outputTokens > 1 && seconds > 0.001 ? Math.round(((outputTokens - 1) / seconds) * 10) / 10 : null;
      return { ttftMs: Math.round(firstAt - startedAt), tokensPerSecond, outputTokens };
    },
  };
}
