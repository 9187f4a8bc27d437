import { describe, expect, it } from "vitest";
import { generateText, streamText } from "ai";
import { fakeLocalEngine } from "@/tests/support/fake-local-engine";
import { queuedEngine } from "./engine";
import { createLocalLanguageModel } from "./language-model";
import { isModelBusyError } from "./queue";

describe("createLocalLanguageModel", () => {
  it("streams the engine's text as deltas through the AI SDK, with usage", async () => {
    const engine = fakeLocalEngine({ answer: "Open Settings and click Reset [1]." });
    const model = createLocalLanguageModel(engine.modelId, async () => engine);
    const result = streamText({ model, system: "Be brief.", prompt: "How do I reset?" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("Open Settings and click Reset [1].");
    expect((await result.usage).outputTokens).toBe(deltas.length);
    expect(engine.calls.generate[0]).toBe("Be brief.\nHow do I reset?");
  });

  it("answers generateText", async () => {
    const engine = fakeLocalEngine({ answer: "Yes, it does." });
    const { text, finishReason } = await generateText({ model: createLocalLanguageModel("fake", async () => engine), prompt: "Does it?" });
    expect(text).toBe("Yes, it does.");
    expect(finishReason).toBe("stop");
  });

  it("reports a full queue as an error part (the caller escalates), not a hang", async () => {
    const engine = fakeLocalEngine({ holdGeneration: true });
    const queued = queuedEngine(engine, 0);
    const model = createLocalLanguageModel("fake", async () => queued);
    const first = streamText({ model, prompt: "first", onError: () => undefined });
    const firstText = first.text;
    await engine.generationStarted;
    const second = streamText({ model, prompt: "second", onError: () => undefined });
    let error: unknown;
    for await (const part of second.stream) if (part.type === "error") error = part.error;
    expect(isModelBusyError(error)).toBe(true);
    engine.release();
    expect(await firstText).toContain("Settings");
  });

  it("stops a generation when the call's time budget runs out", async () => {
    const engine = fakeLocalEngine({ holdGeneration: true });
    const model = createLocalLanguageModel("fake", async () => queuedEngine(engine, 1));
    await expect(generateText({ model, prompt: "slow", timeout: 50, maxRetries: 0 })).rejects.toThrow();
  });

  it("fails clearly when the engine cannot be loaded", async () => {
    const model = createLocalLanguageModel("fake", () => Promise.reject(new Error("Local model file /x.gguf is missing")));
    await expect(generateText({ model, prompt: "q", maxRetries: 0 })).rejects.toThrow("/x.gguf is missing");
  });
});
