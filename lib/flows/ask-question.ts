import "server-only";
import { checkCacheIn, checkExactIn } from "@/lib/flows/cached-answer";
import { embedQuestion, type QuestionEmbedding } from "@/lib/agent/question-embedding";
import { getEmbedder } from "@/lib/ai/embeddings";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { enforceLimits } from "@/lib/limits";
import { questionRules } from "@/lib/limits/chat-rules";
import type { AgentEvent } from "@/lib/agent/context";
import { insertQuestionWithContext } from "@/lib/chat/conversations";
import { tenantSettingsOf } from "@/lib/tenants/settings";
import { notifyConversation } from "@/lib/chat/events";
import { insertMessage } from "@/lib/chat/messages";
import { classifySmallTalk, SMALL_TALK_REPLIES } from "@/lib/chat/small-talk";
import { timed, type RequestTiming } from "@/lib/chat/timing";
import type { VisitorSession } from "@/lib/chat/token";

/**
 * Stores the visitor's message. While the conversation has an open ticket the message
 * belongs to it (the humans answer, not the assistant) and staff are woken to see it.
 */
async function insertQuestion(tx: Tx, visitor: VisitorSession, question: string) {
  const stored = await insertQuestionWithContext(tx, { tenantId: visitor.tenantId, conversationId: visitor.conversationId, content: question });
  if (!stored) throw new AppError("not_found", "This conversation no longer exists; start a new session.");
  const { context: { conversation, openTicket: open, tenant }, messageId } = stored;
  if (open) await notifyConversation(tx, { tenantId: visitor.tenantId, conversationId: visitor.conversationId, messageId });
  const handedOver: AgentEvent | undefined = open ? { type: "handed_over", ticketId: open.id, ticketNumber: open.number } : undefined;
  return { userMessageId: messageId, userEmail: conversation.userEmail, handedOver, tenant };
}

/** "hi", "thanks", "asdf": a short reply, stored as the assistant's, instead of a search or a ticket. */
async function replySmallTalk(tx: Tx, visitor: VisitorSession, question: string): Promise<AgentEvent | undefined> {
  const kind = classifySmallTalk(question);
  if (!kind) return undefined;
  const text = SMALL_TALK_REPLIES[kind];
  const message = await insertMessage(tx, {
    tenantId: visitor.tenantId,
    conversationId: visitor.conversationId,
    senderType: "ai",
    content: text,
    metadata: { kind: "small_talk" },
  });
  return { type: "answer", messageId: message.id, text, citations: [], fromCache: false, offline: false, confidence: null, modelCalls: 0 };
}

/**
 * The question limits (per conversation, per client address, per tenant), consumed
 * atomically in the shared store before anything is stored: a refused question is
 * neither stored nor counted, and the widget offers to send it again.
 */
function enforceQuestionLimits(visitor: VisitorSession, ip: string): Promise<void> {
  return enforceLimits(questionRules({ tenantId: visitor.tenantId, conversationId: visitor.conversationId, ip }));
}

/**
 * Stores the visitor's question before anything else happens, so it is never lost
 * whatever fails afterwards. Returns what the agent needs to answer it.
 */
export async function storeQuestion(visitor: VisitorSession, question: string, client: { ip: string } = { ip: "unknown" }) {
  await enforceQuestionLimits(visitor, client.ip);
  return withTenant(visitor.claims, async (tx) => {
    const { handedOver, tenant: _tenant, ...stored } = await insertQuestion(tx, visitor, question);
    return { ...stored, settled: handedOver };
  });
}

/** The embedding if it is already there (the local embedder), never waiting for a remote one. */
async function readyNow(embedding: Promise<QuestionEmbedding>): Promise<QuestionEmbedding | undefined> {
  return Promise.race([embedding, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
}

/**
 * The chat's first step. The question is inserted first, and its transaction commits
 * durably, so it is never lost. In that same transaction, right after it:
 *  1. the cache entry for this very question (same normalised key) is looked up without
 *     any embedding: an exact repeat is answered, and its answer committed with its
 *     question, before anything is embedded;
 *  2. otherwise the question is embedded, and when the embedding is there at once (the
 *     offline embedder) the semantic lookup runs in the same transaction too. A slower
 *     embedding is never awaited before the question is safe: the agent looks up once it
 *     arrives (prepared.embedding), in a transaction of its own.
 */
export async function askQuestion(
  visitor: VisitorSession,
  question: string,
  timing?: RequestTiming,
  client: { ip: string } = { ip: "unknown" },
) {
  await enforceQuestionLimits(visitor, client.ip);
  const attempt = { checkFailed: false };
  try {
    return await storeAndCheck(visitor, question, timing, attempt);
  } catch (error) {
    if (!attempt.checkFailed) throw error;
    // The cache check's lookups cannot abort the transaction (a failed lookup is a miss),
    // but storing a cached answer as a message can, and the question goes with it: it is
    // then stored again without the check, and the agent checks the cache itself. No
    // savepoint on the way that succeeds (a round trip per question), nothing lost on the
    // one that fails.
    console.warn("[chat] cache check failed, the agent checks again:", (error as Error).message);
    return storeAndCheck(visitor, question, timing, null);
  }
}

/** `attempt` null: store the question without the cache check; else it records whether the check failed. */
async function storeAndCheck(visitor: VisitorSession, question: string, timing: RequestTiming | undefined, attempt: { checkFailed: boolean } | null) {
  let embedding: Promise<QuestionEmbedding> | undefined;
  let embeddingWaitMs = 0;
  const result = await timed(timing, "dbMs", () =>
    withTenant(visitor.claims, async (tx) => {
      const { handedOver, tenant, ...stored } = await insertQuestion(tx, visitor, question);
      // Settled without the agent: a follow-up for the humans, or small talk.
      const settled = handedOver ?? (await replySmallTalk(tx, visitor, question));
      if (settled) return { ...stored, settled, prepared: undefined };
      if (!attempt) return { ...stored, settled: undefined, prepared: undefined };
      try {
        // The tenant's settings came with the conversation (one round trip for both).
        const asked = { tenantId: visitor.tenantId, conversationId: visitor.conversationId, text: question, tenant: tenantSettingsOf(tenant) };
        const exact = await checkExactIn(tx, asked, getEmbedder().modelId);
        if (exact.hit) return { ...stored, settled: undefined, prepared: { cacheCheck: exact } };
        const embedStarted = performance.now();
        embedding = timed(timing, "embedMs", () => embedQuestion(question));
        const ready = await readyNow(embedding);
        embeddingWaitMs = performance.now() - embedStarted;
        const cacheCheck = ready && (await checkCacheIn(tx, asked, ready));
        return { ...stored, settled: undefined, prepared: { embedding, cacheCheck: cacheCheck || undefined } };
      } catch (error) {
        attempt.checkFailed = true;
        throw error;
      }
    }),
  );
  // Time spent embedding inside the transaction is not database time.
  if (timing) timing.dbMs -= embeddingWaitMs;
  return result;
}
