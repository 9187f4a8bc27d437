import "server-only";
import { checkCacheIn, type CacheCheck } from "@/lib/agent/nodes/cache-check";
import { embedQuestion, type QuestionEmbedding } from "@/lib/agent/question-embedding";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { enforceLimits } from "@/lib/limits";
import { questionRules } from "@/lib/limits/chat-rules";
import { getConversation } from "./conversations";
import { insertMessage } from "./messages";
import type { VisitorSession } from "./token";

export const MAX_MESSAGE_LENGTH = 4_000;

async function insertQuestion(tx: Tx, visitor: VisitorSession, question: string) {
  const conversation = await getConversation(tx, visitor.conversationId);
  if (!conversation) throw new AppError("not_found", "This conversation no longer exists; start a new session.");
  const message = await insertMessage(tx, {
    tenantId: visitor.tenantId,
    conversationId: visitor.conversationId,
    senderType: "user",
    content: question,
  });
  return { userMessageId: message.id, userEmail: conversation.userEmail };
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
  return withTenant(visitor.claims, (tx) => insertQuestion(tx, visitor, question));
}

/** The embedding if it is already there (the local embedder), never waiting for a remote one. */
async function readyNow(embedding: Promise<QuestionEmbedding>): Promise<QuestionEmbedding | undefined> {
  return Promise.race([embedding, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
}

/** The cache check under a savepoint: whatever fails in it, the question still commits. */
async function checkCacheAfterQuestion(tx: Tx, visitor: VisitorSession, question: string, embedding: QuestionEmbedding) {
  await tx.query("savepoint cache_check");
  try {
    const result = await checkCacheIn(tx, { tenantId: visitor.tenantId, conversationId: visitor.conversationId, text: question }, embedding);
    await tx.query("release savepoint cache_check");
    return result;
  } catch (error) {
    console.warn("[chat] cache check failed, the agent checks again:", (error as Error).message);
    await tx.query("rollback to savepoint cache_check; release savepoint cache_check");
    return undefined;
  }
}

/**
 * The chat's first step. The question is inserted first, and its transaction commits
 * durably, so it is never lost. When the question's embedding is available at once (the
 * local embedder), the cache is checked in that same transaction after it: a cache hit
 * then costs one transaction and one durable commit instead of two transactions, and a
 * hit's answer is committed together with its question. A remote embedding is never
 * awaited before the question is safe: the agent checks the cache once it arrives.
 */
export async function askQuestion(visitor: VisitorSession, question: string, client: { ip: string } = { ip: "unknown" }) {
  await enforceQuestionLimits(visitor, client.ip);
  const embedding = embedQuestion(question);
  const ready = await readyNow(embedding);
  return withTenant(visitor.claims, async (tx) => {
    const stored = await insertQuestion(tx, visitor, question);
    const cacheCheck: CacheCheck | undefined = ready && (await checkCacheAfterQuestion(tx, visitor, question, ready));
    return { ...stored, prepared: cacheCheck ? { embedding, cacheCheck } : undefined };
  });
}
