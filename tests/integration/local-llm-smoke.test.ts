import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { streamText } from "ai";
import { judgeWithLocalModel } from "@/lib/agent/llm";
import { ANSWER_SYSTEM } from "@/lib/agent/prompts";
import { DEFAULT_LOCAL_LLM_ID, findLocalLlm, localLlmPath } from "@/lib/ai/models/llm-manifest";
import { getChatModel } from "@/lib/ai/providers";
import { env, resetEnvForTests } from "@/lib/env";
import type { RetrievedChunk } from "@/lib/ai/retrieval-types";

/*
 * The real local LLM, end to end through the provider registry: CHAT_MODEL=local:… loads
 * the GGUF file with node-llama-cpp, streams tokens through the AI SDK, and gives a
 * relevance signal that ranks an answering passage above an unrelated one. CI fetches the
 * model (`npm run models:fetch-llm` in .ci/run), so there a missing file fails this test;
 * elsewhere it is skipped (and says so) until the model is fetched.
 */

const manifest = findLocalLlm(DEFAULT_LOCAL_LLM_ID)!;
const previous = process.env.CHAT_MODEL;
process.env.CHAT_MODEL = `local:${manifest.id}`;
resetEnvForTests();
const modelPath = localLlmPath(manifest, env().MODELS_DIR);
const present = existsSync(modelPath);

afterAll(() => {
  if (previous === undefined) delete process.env.CHAT_MODEL;
  else process.env.CHAT_MODEL = previous;
  resetEnvForTests();
});

function passage(id: string, title: string, content: string): RetrievedChunk {
  return { id, sourceId: null, content, title, url: null, page: null, headingPath: [], score: 1, vectorSimilarity: null, vectorRank: 1, textRank: 1 };
}

const RESET = passage("reset", "Resetting your password", "To reset your password, open Settings > Security and click Reset password. We email you a link that is valid for 24 hours.");
const SHIPPING = passage("shipping", "Shipping times", "Orders ship within 2 business days. International delivery takes 7 to 14 days.");

describe("local LLM (real weights)", () => {
  if (process.env.CI === "true") {
    it("has its model file in CI", () => {
      expect(present, `${modelPath} is missing: .ci/run must run npm run models:fetch-llm before the tests`).toBe(true);
    });
  }

  it.skipIf(!present)(
    "loads, streams tokens, and scores an answering passage above an unrelated one",
    async () => {
      const choice = getChatModel();
      if (choice.mode !== "model" || !choice.local) throw new Error(`CHAT_MODEL=local:… did not select the local model (got ${choice.id})`);
      expect(choice.id).toBe(`local:${manifest.id}`);

      const result = streamText({ model: choice.model, system: ANSWER_SYSTEM, prompt: "Say hello to the customer in one short sentence.", maxOutputTokens: 12 });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join("").trim().length).toBeGreaterThan(0);

      const question = "How do I reset my password?";
      const answering = await judgeWithLocalModel(choice.local, question, [RESET]);
      const unrelated = await judgeWithLocalModel(choice.local, question, [SHIPPING]);
      expect(answering.relevance).toBeGreaterThan(unrelated.relevance);
      expect(answering.relevance).toBeGreaterThan(0.5);
    },
    600_000,
  );
});
