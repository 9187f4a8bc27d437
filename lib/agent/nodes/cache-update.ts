import "server-only";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { writeCache } from "@/lib/cache";
import { commitAsynchronously, insertMessage } from "@/lib/chat/messages";
import { withTenant } from "@/lib/db/tenant";
import { personalDataIn } from "@/lib/privacy/cache-guard";
import { namesFromConversation } from "@/lib/privacy/personal-data";
import { checkDraft, citedPassages, isSuspicious } from "../answer-check";
import { sourceIdsOf } from "../citations";
import { claimsOf, emit } from "../context";
import { questionEmbedding } from "../question-embedding";
import type { AgentStateUpdate, AgentStateValue } from "../state";

/**
 * An answer to a question that carries personal data ("refund my invoice, I'm
 * jane@corp.example") is given to this visitor but never cached: the cache key and
 * answer would hold it for the next person. Nor is one to a question that speaks to the
 * assistant ("ignore previous instructions…"), one citing a passage that did (a
 * poisoned page), or one the output guard would stop (never reached here; checked again
 * because the cache serves an answer without any check).
 */
function isReusable(state: AgentStateValue, answer: string): boolean {
  if (isSuspicious({ question: state.question, relevant: citedPassages(state) }) || !checkDraft({ ...state, draft: answer }).safe) {
    console.info("[cache] not caching an answer to (or from) text addressed to the assistant");
    return false;
  }
  const found = personalDataIn({ question: state.question, answer }, namesFromConversation([state.user_email, state.question]));
  if (found.length > 0) console.info(`[cache] not caching an answer with personal data (${found.map((m) => m.kind).join(", ")})`);
  return found.length === 0;
}

/**
 * cache_update: the assessed answer is stored, saved to the tenant's semantic cache
 * (when isReusable) and released to the user. Caching is best-effort and cannot cost the user the answer:
 * writeCache never throws, and the pgvector adapter writes under a savepoint, so a
 * failed write leaves the message's transaction intact.
 */
export async function cacheUpdate(state: AgentStateValue, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
  const answer = state.draft ?? "";
  const { embedding, model } = await questionEmbedding(config, state.question);
  const message = await withTenant(claimsOf(config), async (tx) => {
    await commitAsynchronously(tx);
    const stored = await insertMessage(tx, {
      tenantId: state.tenant_id,
      conversationId: state.conversation_id,
      senderType: "ai",
      content: answer,
      // The model calls this answer really cost: the dashboard's saved-calls estimate is based on them.
      metadata: { fromCache: false, offline: state.offline, confidence: state.confidence, citations: state.citations, modelCalls: state.model_calls, embeddingModel: model },
      timing: state.generation,
    });
    if (embedding && isReusable(state, answer)) {
      await writeCache(
        { tx, tenantId: state.tenant_id, embeddingModel: model },
        {
          question: state.question,
          embedding,
          answer,
          source: "ai",
          citations: state.citations,
          sourceIds: sourceIdsOf(state.relevant),
          confidence: state.confidence,
          ttlDays: state.cache_ttl_days,
        },
      );
    }
    return stored;
  });
  emit(config, {
    type: "answer",
    messageId: message.id,
    text: answer,
    citations: state.citations,
    fromCache: false,
    offline: state.offline,
    confidence: state.confidence,
    modelCalls: state.model_calls,
    streamedId: state.streamed_id,
  });
  return { answer, outcome: "answered", messages: [{ role: "assistant", content: answer }] };
}
