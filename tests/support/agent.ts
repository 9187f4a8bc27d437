import { randomUUID } from "node:crypto";
import type { AgentEvent } from "@/lib/agent/context";
import type { AgentGraph } from "@/lib/agent/graph";
import { answerQuestion, type StoredQuestion } from "@/lib/flows/answer-question";
import { storeQuestion } from "@/lib/flows/ask-question";
import { createConversation } from "@/lib/chat/conversations";
import { withTenant } from "@/lib/db/tenant";
import type { TestTenant } from "./fixtures";

/** A new visitor conversation with the question stored, ready for the agent. */
export async function newQuestion(tenant: TestTenant, question: string): Promise<StoredQuestion> {
  const conversationId = randomUUID();
  const claims = tenant.visitor(conversationId);
  await withTenant(claims, (tx) => createConversation(tx, { id: conversationId, tenantId: tenant.id }));
  const { userMessageId } = await storeQuestion({ claims, tenantId: tenant.id, conversationId }, question);
  return { claims, conversationId, userMessageId, question, userEmail: null };
}

export async function runAgent(input: StoredQuestion, graph?: AgentGraph): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of answerQuestion(input, graph)) events.push(event);
  return events;
}
