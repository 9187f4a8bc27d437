/**
 * The local LLM (CHAT_MODEL=local:…, default the manifest's model) in the app's own process:
 * load time, RSS, relevance-check time, time to first token and tokens/s on a support-sized
 * prompt, and — the point — cache hits answered through the real /chat/stream handler in
 * the SAME process while the model generates: their p50/p99 against a quiet baseline, and
 * the event loop's delay. llama.cpp evaluates on native threads, so hits should stay fast.
 *
 *   npm run bench:local-llm -- [--hits 40] [--passages 4] [--max-tokens 96]
 * Needs the model file (npm run models:fetch-llm); MODELS_DIR says where it is.
 */
import { existsSync } from "node:fs";
import { monitorEventLoopDelay, type Histogram } from "node:perf_hooks";
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { askOnce, inProcessTransport, type ChatTransport } from "@/eval/lib/chat-client";
import { ANSWER_SYSTEM, answerPrompt } from "@/lib/agent/prompts";
import { assertKnownChatModel, DEFAULT_LOCAL_LLM_ID, findLocalLlm, localLlmIdOf, localLlmPath } from "@/lib/ai/models/llm-manifest";
import { relevanceTurns } from "@/lib/ai/local-llm/relevance";
import { getLocalEngine } from "@/lib/ai/local-llm/runtime";
import { env, parseEnv } from "@/lib/env";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";
import { expectedAnswer, seedManyCaches, syntheticQuestions } from "@/eval/lib/cache-seed";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { createRunTenant } from "@/eval/lib/tenants";

const USAGE = `Usage: npm run bench:local-llm -- [options]
  --hits N         cache hits in the quiet baseline (default 40); during generation, as many as fit
  --passages N     support passages in the prompt, ~150 tokens each (default 4)
  --max-tokens N   tokens to generate (default 96)`;

const flags = z.object({
  hits: numberFlag({ int: true, min: 5, max: 10_000 }).default(40),
  passages: numberFlag({ int: true, min: 1, max: 20 }).default(4),
  "max-tokens": numberFlag({ int: true, min: 8, max: 2_000 }).default(96),
});

const PASSAGE =
  "To change the payment method for your plan, open Billing in the account menu and choose Payment methods. " +
  "Add the new card or PayPal account, mark it as primary, and remove the old one if you no longer use it. " +
  "Invoices already issued are charged to the method that was primary at the time; a failed charge is retried " +
  "after three days, and you receive an email each time. Annual plans renew on the purchase date.";

function passages(count: number): RetrievedChunk[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `p${i + 1}`,
    sourceId: null,
    content: `${PASSAGE} (Section ${i + 1}.)`,
    title: `Billing help ${i + 1}`,
    url: null,
    page: null,
    headingPath: [],
    score: 1 / (i + 1),
    vectorSimilarity: null,
    vectorRank: i + 1,
    textRank: i + 1,
  }));
}

const delayJson = (h: Histogram) => ({ p99: Math.round(h.percentile(99) / 1e4) / 100, max: Math.round(h.max / 1e4) / 100 });

const rssMb = () => Math.round(process.memoryUsage().rss / 1e6);

async function hit(transport: ChatTransport, widgetKey: string, questions: string[], i: number): Promise<number> {
  const reply = await askOnce(transport, widgetKey, questions[i % questions.length]);
  if (reply.outcome !== "cache_hit" || reply.answer.trim() !== expectedAnswer(0, i % questions.length)) {
    throw new Error(`expected a cache hit with the seeded answer, got ${reply.outcome}: ${reply.error ?? reply.answer.slice(0, 80)}`);
  }
  return reply.latencyMs;
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  process.env.CHAT_RATE_LIMIT_PER_MINUTE = "0";
  // parseEnv, not env(): env() would keep this copy, made before the run database exists.
  const { CHAT_MODEL } = parseEnv(process.env);
  assertKnownChatModel(CHAT_MODEL);
  const id = localLlmIdOf(CHAT_MODEL) ?? DEFAULT_LOCAL_LLM_ID;
  process.env.CHAT_MODEL = `local:${id}`;
  const manifest = findLocalLlm(id)!;
  // The run database's URL goes into the environment before anything reads it.
  const db = await startRunDatabase("bench");
  const modelPath = localLlmPath(manifest, env().MODELS_DIR);
  if (!existsSync(modelPath)) throw new Error(`${modelPath} is missing: run npm run models:fetch-llm`);
  const tenant = await createRunTenant("bench", { name: "Local LLM bench" });
  // Tenant index 0 draws its questions with seed 1.
  const questions = syntheticQuestions(50, 1);
  await seedManyCaches([{ id: tenant.id, index: 0, entries: questions.length }], { adminUrl: db.adminUrl, log: (m) => console.error(m) });
  const transport = await inProcessTransport();
  for (let i = 0; i < 5; i++) await hit(transport, tenant.widgetKey, questions, i); // warm-up
  const baseline: number[] = [];
  const quietLoop = monitorEventLoopDelay({ resolution: 10 });
  quietLoop.enable();
  for (let i = 0; i < args.hits; i++) baseline.push(await hit(transport, tenant.widgetKey, questions, i));
  quietLoop.disable();
  const rssBefore = rssMb();

  console.error(`Loading ${manifest.fileName}…`);
  let started = performance.now();
  const engine = await getLocalEngine(id);
  const loadMs = performance.now() - started;
  const rssLoaded = rssMb();

  const question = "How do I change the card my plan is charged to?";
  const kept = passages(args.passages);
  const promptTokens = engine.countPromptTokens([
    { role: "system", text: ANSWER_SYSTEM },
    { role: "user", text: answerPrompt(question, kept) },
  ]);
  started = performance.now();
  const p = await engine.yesProbability(relevanceTurns(ANSWER_SYSTEM, answerPrompt(question, kept)));
  const relevanceMs = performance.now() - started;

  // A different question over other passages, so the generation evaluates its whole prompt.
  const genQuestion = "Explain step by step how I replace the card my plan is charged to, and what happens to invoices already issued.";
  const genPassages = passages(args.passages).map((c) => ({ ...c, content: c.content.replace("Section", "Part") }));
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const during: number[] = [];
  let firstTokenAt: number | undefined;
  let generating = true;
  loopDelay.enable();
  started = performance.now();
  const generation = engine
    .generate(
      [
        { role: "system", text: ANSWER_SYSTEM },
        { role: "user", text: answerPrompt(genQuestion, genPassages) },
      ],
      { maxTokens: args["max-tokens"], temperature: 0, onText: () => void (firstTokenAt ??= performance.now()) },
    )
    .finally(() => (generating = false));
  for (let i = 0; generating; i++) during.push(await hit(transport, tenant.widgetKey, questions, i));
  const result = await generation;
  const endedAt = performance.now();
  loopDelay.disable();
  const ttftMs = (firstTokenAt ?? endedAt) - started;
  const decodeS = (endedAt - (firstTokenAt ?? endedAt)) / 1000;

  emitResult({
    name: "local-llm",
    model: id,
    database: db.kind,
    threads: env().LOCAL_LLM_THREADS || "cores-1",
    load_ms: Math.round(loadMs),
    rss_mb: { before_load: rssBefore, loaded: rssLoaded, after_generation: rssMb() },
    prompt_tokens: promptTokens,
    relevance: { ms: Math.round(relevanceMs), p_yes: Math.round(p * 1000) / 1000 },
    generation: {
      input_tokens: result.inputTokens,
      output_tokens: result.outputTokens,
      ttft_ms: Math.round(ttftMs),
      prompt_tokens_per_s: Math.round((result.inputTokens / (ttftMs / 1000)) * 10) / 10,
      tokens_per_s: decodeS > 0 ? Math.round(((result.outputTokens - 1) / decodeS) * 10) / 10 : null,
      total_ms: Math.round(endedAt - started),
    },
    cache_hit_ms: { quiet: latencyJson(baseline), during_generation: latencyJson(during) },
    event_loop_delay_ms: { quiet: delayJson(quietLoop), during_generation: delayJson(loopDelay) },
    answer_preview: result.text.slice(0, 160),
  });
}

runCli(USAGE, main);
