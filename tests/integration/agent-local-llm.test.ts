import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { threadIdFor, type AgentEvent } from "@/lib/agent/context";
import { queuedEngine } from "@/lib/ai/local-llm/engine";
import { setChatModelForTests } from "@/lib/ai/providers";
import { closePool } from "@/lib/db/pool";
import { withService } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { newQuestion, runAgent } from "@/tests/support/agent";
import { fakeLocalEngine } from "@/tests/support/fake-local-engine";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { seedKnowledgeBase } from "@/tests/support/knowledge-base";

/*
 * The agent with a local LLM selected, on an in-process fake engine (no weights): the
 * relevance gate, the busy path of the bounded queue and the per-call timeout, through the
 * real graph, database and tickets.
 */

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTestTenant("local-llm");
  await seedKnowledgeBase(tenant);
});

afterEach(() => {
  setChatModelForTests(undefined);
  delete process.env.LOCAL_LLM_TIMEOUT_MS;
  resetEnvForTests();
});

afterAll(async () => {
  await closePool();
});

const find = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.find((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

async function ticketOf(input: { conversationId: string; userMessageId: string }) {
  const { rows } = await withService((tx) =>
    tx.query<{ status: string; confidence: number | null; escalation_reason: string }>(
      "select status, confidence, escalation_reason from public.tickets where thread_id = $1",
      [threadIdFor(input.conversationId, input.userMessageId)],
    ),
  );
  return rows[0];
}

describe("agent with a local LLM", () => {
  it("answers when the passages are judged relevant, with that relevance as its confidence", async () => {
    const engine = fakeLocalEngine({ yes: 0.93, answer: "Click \"Forgot password\" on the sign-in page [1]." });
    setChatModelForTests({ localEngine: queuedEngine(engine, 2) });
    const events = await runAgent(await newQuestion(tenant, "How do I reset my password?"));
    const answer = find(events, "answer");
    expect(answer?.text).toContain("Forgot password");
    expect(answer?.confidence).toBeCloseTo(0.93, 3);
    expect(find(events, "escalated")).toBeUndefined();
    expect(engine.calls.yes).toHaveLength(1);
    expect(engine.calls.generate).toHaveLength(1);
  });

  it("escalates before generating when the relevance is below the tenant's threshold", async () => {
    const engine = fakeLocalEngine({ yes: 0.2 });
    setChatModelForTests({ localEngine: queuedEngine(engine, 2) });
    const input = await newQuestion(tenant, "Can I pay with cryptocurrency?");
    const events = await runAgent(input);
    expect(find(events, "escalated")?.text).toMatch(/I need to check this with an expert\. Ticket #\d+ created/);
    expect(engine.calls.generate).toHaveLength(0);
    const ticket = await ticketOf(input);
    expect(ticket.escalation_reason).toBe("low_confidence");
    expect(ticket.confidence).toBeCloseTo(0.2, 3);
  });

  it("hands a question to a human with the bridge message when the model's queue is full", async () => {
    const engine = fakeLocalEngine({ yes: 0.95, holdGeneration: true });
    setChatModelForTests({ localEngine: queuedEngine(engine, 0) });
    const first = runAgent(await newQuestion(tenant, "How do I enable two-factor authentication?"));
    await engine.generationStarted;
    const busyInput = await newQuestion(tenant, "How do I export my data?");
    const busy = await runAgent(busyInput);
    expect(find(busy, "escalated")?.text).toMatch(/I need to check this with an expert/);
    expect((await ticketOf(busyInput)).escalation_reason).toBe("model_busy");
    engine.release();
    expect(find(await first, "answer")).toBeDefined();
  });

  it("escalates when a local generation exceeds LOCAL_LLM_TIMEOUT_MS", async () => {
    process.env.LOCAL_LLM_TIMEOUT_MS = "1000";
    resetEnvForTests();
    const engine = fakeLocalEngine({ yes: 0.95, holdGeneration: true });
    setChatModelForTests({ localEngine: queuedEngine(engine, 2) });
    const input = await newQuestion(tenant, "How do I change my plan?");
    const events = await runAgent(input);
    expect(find(events, "escalated")).toBeDefined();
    expect((await ticketOf(input)).escalation_reason).toBe("model_error");
    engine.release();
  });
});
