import "server-only";
import { generateText, Output, streamText } from "ai";
import { z } from "zod";
import { modelTimeoutMs, type ChatModel, type LocalChatModel } from "@/lib/ai/providers";
import { env } from "@/lib/env";
import { calibrate, relevanceTurns } from "@/lib/ai/local-llm/relevance";
import { fitByRank } from "@/lib/ai/local-llm/trim";
import { isModelBusyError } from "@/lib/ai/local-llm/queue";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { ANSWER_SYSTEM, answerPrompt, ASSESS_SYSTEM, assessPrompt, GRADE_SYSTEM, gradePrompt } from "./prompts";
import type { EscalationReason } from "./state";

/*
 * The real-model side of grade / generate / assess. Every call has a time budget
 * (MODEL_TIMEOUT_MS) and one retry; any failure is thrown to the node, which escalates
 * to a human instead of failing the chat.
 */

const GRADE_BATCH = 8;

const gradeSchema = z.object({
  verdicts: z.array(z.object({ passage: z.number().int(), relevant: z.boolean() })),
});

const assessSchema = z.object({
  score: z.number().min(0).max(1),
  reason: z.string().max(500).optional(),
});

function callOptions() {
  return { timeout: modelTimeoutMs(), maxRetries: 1 };
}

/** Tokens kept free in the local model's context for the answer itself. */
const ANSWER_RESERVE_TOKENS = 512;

/** How a failed model call escalates: a full local-model queue is "busy", anything else an error. */
export function escalationReasonOf(error: unknown): EscalationReason {
  return isModelBusyError(error) ? "model_busy" : "model_error";
}

/**
 * The local model's judgement of the retrieved passages: those that fit its context and
 * LOCAL_LLM_PROMPT_TOKENS (the lowest-ranked dropped whole) and the calibrated probability that they contain the
 * answer, read from the next-token probability of "Yes" (one prompt evaluation, no
 * generation). The prompt is the answer prompt plus the question, so the generation that
 * follows reuses the evaluated passages.
 */
export async function judgeWithLocalModel(
  local: LocalChatModel,
  question: string,
  chunks: RetrievedChunk[],
): Promise<{ kept: RetrievedChunk[]; relevance: number }> {
  const engine = await local.engine();
  const turnsFor = (kept: readonly RetrievedChunk[]) => relevanceTurns(ANSWER_SYSTEM, answerPrompt(question, [...kept]));
  const budget = Math.min(engine.contextTokens - ANSWER_RESERVE_TOKENS, env().LOCAL_LLM_PROMPT_TOKENS);
  const kept = fitByRank(chunks, (k) => engine.countPromptTokens(turnsFor(k)), budget);
  if (kept.length === 0) return { kept, relevance: 0 };
  const p = await engine.yesProbability(turnsFor(kept), AbortSignal.timeout(modelTimeoutMs()));
  return { kept, relevance: calibrate(p, local.calibration) };
}

/** Relevance per chunk (same order), one structured-output call per batch of chunks. */
export async function gradeWithModel(
  model: ChatModel,
  question: string,
  chunks: RetrievedChunk[],
): Promise<{ relevant: boolean[]; calls: number }> {
  const relevant: boolean[] = [];
  let calls = 0;
  for (let start = 0; start < chunks.length; start += GRADE_BATCH) {
    const batch = chunks.slice(start, start + GRADE_BATCH);
    calls++;
    const { output } = await generateText({
      model,
      system: GRADE_SYSTEM,
      prompt: gradePrompt(question, batch),
      output: Output.object({ schema: gradeSchema }),
      ...callOptions(),
    });
    const verdicts = new Map(output.verdicts.map((v) => [v.passage, v.relevant]));
    batch.forEach((_chunk, i) => relevant.push(verdicts.get(i + 1) ?? false));
  }
  return { relevant, calls };
}

/**
 * The answer from the relevant chunks only, streamed: `onDelta` gets each piece of text
 * as the model writes it (the generate node decides whether the visitor sees them).
 */
export async function generateWithModel(
  model: ChatModel,
  question: string,
  chunks: RetrievedChunk[],
  onDelta: (delta: string) => void = () => undefined,
): Promise<{ text: string; outputTokens: number | null }> {
  const result = streamText({
    model,
    system: ANSWER_SYSTEM,
    prompt: answerPrompt(question, chunks),
    ...callOptions(),
    // Errors arrive as stream parts and are thrown below; the default handler would only log them twice.
    onError: () => undefined,
  });
  let text = "";
  let outputTokens: number | null = null;
  for await (const part of result.stream) {
    if (part.type === "error") throw part.error;
    if (part.type === "abort") throw new Error("The model call was aborted (timeout).");
    if (part.type === "text-delta") {
      text += part.text;
      onDelta(part.text);
    }
    if (part.type === "finish") outputTokens = part.totalUsage.outputTokens ?? null;
  }
  if (!text.trim()) throw new Error("The model returned an empty answer.");
  return { text: text.trim(), outputTokens };
}

/** The model's own 0..1 confidence that the answer is supported by the chunks. */
export async function assessWithModel(
  model: ChatModel,
  question: string,
  answer: string,
  chunks: RetrievedChunk[],
): Promise<number> {
  const { output } = await generateText({
    model,
    system: ASSESS_SYSTEM,
    prompt: assessPrompt(question, answer, chunks),
    output: Output.object({ schema: assessSchema }),
    ...callOptions(),
  });
  return output.score;
}
