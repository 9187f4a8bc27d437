import "server-only";
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { withTenant } from "@/lib/db/tenant";
import { openTicket } from "@/lib/tickets/escalation";
import { ticketContext } from "../citations";
import { claimsOf, emit } from "../context";
import type { AgentStateUpdate, AgentStateValue, HumanResolution } from "../state";

/**
 * escalate (the bridge): opens the ticket with the question, the retrieved context and
 * the draft with its confidence, tells the user, and pauses the thread until a human
 * answers. On resume this node re-runs from its start (with the resolving staff
 * member's claims); openTicket is idempotent, so nothing is created twice.
 */
export async function escalate(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const threadId = String(config.configurable?.thread_id);
  const ticket = await withTenant(claimsOf(config), (tx) =>
    openTicket(tx, {
      tenantId: state.tenant_id,
      conversationId: state.conversation_id,
      threadId,
      question: state.question,
      context: ticketContext(state.retrieved, state.relevant),
      draft: state.draft,
      confidence: state.confidence,
      reason: state.escalation_reason ?? "low_confidence",
    }),
  );
  emit(config, {
    type: "escalated",
    messageId: ticket.bridgeMessageId,
    text: ticket.bridgeText,
    ticketId: ticket.ticketId,
    ticketNumber: ticket.ticketNumber,
    streamedId: state.streamed_id,
  });
  const resolution = interrupt<{ ticketId: string; ticketNumber: number }, HumanResolution>({
    ticketId: ticket.ticketId,
    ticketNumber: ticket.ticketNumber,
  });
  return {
    ticket_id: ticket.ticketId,
    ticket_number: ticket.ticketNumber,
    outcome: "escalated",
    resolution,
    messages: [{ role: "system", content: ticket.bridgeText }],
  };
}
