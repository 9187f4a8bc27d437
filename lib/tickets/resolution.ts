import "server-only";
import { getEmbedder } from "@/lib/ai/embeddings";
import type { RequestClaims } from "@/lib/db/claims";
import { getSemanticCache, writeCache, type CacheEntryInput, type CacheScope } from "@/lib/cache";
import { notifyConversation } from "@/lib/chat/events";
import { insertMessage } from "@/lib/chat/messages";
import { issueConversationToken } from "@/lib/chat/token";
import { withTenant, type Tx } from "@/lib/db/tenant";
import { queueEmail } from "@/lib/email/outbox";
import { announceQueuedEmail } from "@/lib/jobs/inngest";
import { env } from "@/lib/env";
import { getTenantSettings } from "@/lib/tenants/settings";
import { recordAudit } from "@/lib/db/audit";
import type { ReusableEntry } from "./reusable-entry";

export interface HumanAnswer {
  ticketId: string;
  answer: string;
  notifyEmail: boolean;
  resolvedBy: string;
  /** Written to the cache instead of the reply; none: the cache learns nothing. */
  reusable?: ReusableEntry | null;
  /** Close the ticket with this reply (default) or keep it open with a human. */
  close?: boolean;
}

interface ResolvedTicketRow {
  id: string;
  number: number;
  question: string;
  conversation_id: string;
  user_email: string | null;
  conversation_email: string | null;
}

/**
 * Delivers a human answer, all or nothing, in ONE transaction with the staff member's
 * claims: the ticket flips to resolved only if it is still pending (so a retry does
 * nothing twice), the answer joins the chat as a human message, the e-mail is queued in
 * the outbox, the reviewed reusable entry (if staff made one; never the reply itself,
 * which speaks to one customer) is written to the cache as approved by them, the action
 * is audited, and open widgets are woken through pg_notify. The entry's question is
 * embedded first so no model call runs inside the transaction. Returns false when the
 * ticket was no longer pending: nothing was done a second time.
 */
export async function applyHumanResolution(claims: RequestClaims, input: HumanAnswer): Promise<boolean> {
  const tenantId = claims.app_metadata.tenant_id;
  const reusable = input.reusable ?? null;
  const embedder = getEmbedder();
  const [embedding] = reusable ? await embedder.embed([reusable.question]) : [null];

  let emailQueued = false;
  const resolved = await withTenant(claims, async (tx) => {
    const close = input.close ?? true;
    const ticket = await markAnswered(tx, input, close);
    if (!ticket) return false;
    const tenant = await getTenantSettings(tx);
    const message = await insertMessage(tx, {
      tenantId,
      conversationId: ticket.conversation_id,
      ticketId: ticket.id,
      senderType: "human",
      content: input.answer,
      authorId: input.resolvedBy,
      metadata: { ticketNumber: ticket.number, status: close ? "resolved" : "open" },
    });
    const to = ticket.user_email ?? ticket.conversation_email;
    if (input.notifyEmail && to) {
      await queueEmail(tx, {
        tenantId,
        ticketId: ticket.id,
        to,
        template: "ticket-answered",
        payload: {
          ticketNumber: ticket.number,
          question: ticket.question,
          answer: input.answer,
          tenantName: tenant.name,
          brandColor: tenant.branding.color,
          conversationUrl: await conversationLink(tenant.widgetKey, tenantId, ticket.conversation_id),
          replyTo: tenant.supportEmail ?? undefined,
        },
        // One e-mail per reply: the key is the reply's own message.
        idempotencyKey: `ticket-answered:${ticket.id}:${message.id}`,
      });
      emailQueued = true;
    }
    if (reusable && embedding) {
      await writeHumanAnswer({ tx, tenantId, embeddingModel: embedder.modelId }, {
        question: reusable.question,
        embedding,
        answer: reusable.answer,
        source: "human",
        citations: [],
        sourceIds: [],
        confidence: 1,
        ticketId: ticket.id,
        approvedBy: input.resolvedBy,
        ttlDays: tenant.cacheTtlDays,
      });
      await recordAudit(tx, {
        action: "cache.approved",
        targetType: "ticket",
        targetId: ticket.id,
        details: { question: reusable.question, answer: reusable.answer },
      });
    }
    await recordAudit(tx, {
      action: close ? "ticket.resolved" : "ticket.replied",
      targetType: "ticket",
      targetId: ticket.id,
      details: {
        ticketNumber: ticket.number,
        notifyEmail: input.notifyEmail,
        emailed: Boolean(input.notifyEmail && to),
        cached: Boolean(reusable),
      },
    });
    await notifyConversation(tx, { tenantId, conversationId: ticket.conversation_id, messageId: message.id });
    return true;
  });
  // After commit, so the function finds the row.
  if (emailQueued) await announceQueuedEmail();
  return resolved;
}

/** The ticket takes the reply: closed with it, or open with a human. Only a ticket still with humans. */
/**
 * The chat page with the visitor's conversation: the link carries a fresh conversation
 * token in the fragment (never sent to a server, so never in access logs); the chat
 * page takes it over and drops it from the address bar.
 */
async function conversationLink(widgetKey: string, tenantId: string, conversationId: string): Promise<string> {
  const token = await issueConversationToken(tenantId, conversationId);
  return `${env().APP_URL.replace(/\/+$/, "")}/w/${encodeURIComponent(widgetKey)}#c=${encodeURIComponent(token)}`;
}

async function markAnswered(tx: Tx, input: HumanAnswer, close: boolean): Promise<ResolvedTicketRow | null> {
  const { rows } = await tx.query<ResolvedTicketRow>(
    `update public.tickets t
        set status = case when $4 then 'resolved' else 'open' end, answer = $2,
            resolved_by = case when $4 then $3::uuid else t.resolved_by end,
            resolved_at = case when $4 then now() else t.resolved_at end,
            closed_reason = case when $4 then 'Answered' else null end,
            resolving_by = null, resolving_at = null
      where t.id = $1 and t.status in ('pending_human', 'open')
      returning t.id, t.number, t.question, t.conversation_id, t.user_email,
        (select c.user_email from public.conversations c where c.id = t.conversation_id) as conversation_email`,
    [input.ticketId, input.answer, input.resolvedBy, close],
  );
  return rows[0] ?? null;
}

/**
 * An adapter whose writes join this transaction makes the write all-or-nothing with the
 * rest (a failure rolls the resolution back and the request can be retried). A store
 * outside the database cannot join it; there the answer's delivery must not hinge on
 * the cache, so its write is best-effort.
 */
async function writeHumanAnswer(scope: CacheScope, entry: CacheEntryInput): Promise<void> {
  const cache = getSemanticCache();
  if (cache.writesJoinTransaction) await cache.write(scope, entry);
  else await writeCache(scope, entry);
}
