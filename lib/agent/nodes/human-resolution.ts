import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { applyHumanResolution } from "@/lib/tickets/resolution";
import { claimsOf } from "../context";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * human_resolution: runs on `Command({ resume: { answer, notifyEmail, resolvedBy, reusable } })`
 * with the resolving staff member's claims and delivers the answer (chat message, e-mail
 * via the outbox, the reviewed cache entry if any, ticket resolved) in one transaction.
 */
export async function humanResolution(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const resolution = state.resolution;
  if (!resolution || !state.ticket_id) throw new Error("human_resolution ran without a resolution or a ticket");
  await applyHumanResolution(claimsOf(config), { ticketId: state.ticket_id, ...resolution });
  return { answer: resolution.answer, outcome: "resolved", messages: [{ role: "human_agent", content: resolution.answer }] };
}
