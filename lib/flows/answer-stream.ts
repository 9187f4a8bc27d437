import "server-only";
import { createUIMessageStream, createUIMessageStreamResponse, UI_MESSAGE_STREAM_HEADERS, type InferUIMessageChunk, type UIMessageStreamWriter } from "ai";
import { threadIdFor, type AgentEvent } from "@/lib/agent/context";
import type { AgentGraph } from "@/lib/agent/graph";
import { withTenant } from "@/lib/db/tenant";
import { answerQuestion, CHECKING_CACHE, type StoredQuestion } from "./answer-question";
import { cacheHitEvent } from "./cached-answer";
import { askQuestion } from "./ask-question";
import { openTicket } from "@/lib/tickets/escalation";
import { serverTimingHeader, timingMetadata, type RequestTiming } from "@/lib/chat/timing";
import type { ChatUIMessage } from "@/lib/chat/protocol";
import type { VisitorSession } from "@/lib/chat/token";

type Writer = UIMessageStreamWriter<ChatUIMessage>;

function writeText(writer: Writer, id: string, text: string): void {
  writer.write({ type: "text-start", id });
  writer.write({ type: "text-delta", id, delta: text });
  writer.write({ type: "text-end", id });
}

/**
 * Translates graph events into UI message stream parts. Returns a function that takes
 * one event and says whether the question is settled. A draft streamed as it is written
 * stays one text part (`answer-delta` events); the final answer event then only closes
 * it. If the check after the draft fails, the hand-over marks the draft unconfirmed
 * (message metadata) and adds the bridge message as the last text part.
 */
function eventWriter(writer: Writer, timing?: RequestTiming): (event: AgentEvent) => boolean {
  let open: string | null = null;
  const closeDraft = () => {
    if (open) writer.write({ type: "text-end", id: open });
    const shown = open !== null;
    open = null;
    return shown;
  };
  return (event) => {
    const serverTiming = timing ? { serverTiming: timingMetadata(timing) } : {};
    if (event.type === "status") {
      writer.write({ type: "data-status", id: "status", data: { status: event.status } });
      return false;
    }
    if (event.type === "handed_over") {
      // No assistant text: the message went to the humans handling the ticket.
      writer.write({
        type: "data-status",
        id: "status",
        data: { status: "waiting_for_agent", ticketNumber: event.ticketNumber, ticketId: event.ticketId, appended: true },
      });
      return true;
    }
    if (event.type === "answer-delta") {
      if (open !== event.id) {
        closeDraft();
        writer.write({ type: "text-start", id: event.id });
        open = event.id;
      }
      writer.write({ type: "text-delta", id: event.id, delta: event.delta });
      return false;
    }
    if (event.type === "answer") {
      const streamed = event.streamedId && open === event.streamedId;
      closeDraft();
      if (!streamed) writeText(writer, event.messageId, event.text);
      event.citations.forEach((citation, i) => {
        const sourceId = `${i + 1}`;
        if (citation.url) writer.write({ type: "source-url", sourceId, url: citation.url, title: citation.title });
        else writer.write({ type: "source-document", sourceId, mediaType: "text/plain", title: citation.title });
      });
      writer.write({ type: "data-status", id: "status", data: { status: "resolved" } });
      writer.write({
        type: "message-metadata",
        messageMetadata: {
          fromCache: event.fromCache,
          offline: event.offline,
          confidence: event.confidence,
          messageId: event.messageId,
          modelCalls: event.modelCalls,
          ...serverTiming,
        },
      });
      return true;
    }
    const unconfirmed = closeDraft();
    writer.write({
      type: "data-status",
      id: "status",
      data: { status: "waiting_for_agent", ticketNumber: event.ticketNumber, ticketId: event.ticketId },
    });
    writeText(writer, event.messageId, event.text);
    writer.write({
      type: "message-metadata",
      messageMetadata: {
        fromCache: false,
        offline: false,
        confidence: null,
        messageId: event.messageId,
        ticketNumber: event.ticketNumber,
        ...(unconfirmed ? { unconfirmed: true } : {}),
        ...serverTiming,
      },
    });
    return true;
  };
}

/**
 * The safety net: whatever went wrong in the graph after the question was stored, the
 * user still gets a ticket and the bridge message (idempotent with the graph's own).
 */
async function escalateAfterFailure(input: StoredQuestion): Promise<AgentEvent> {
  const ticket = await withTenant(input.claims, (tx) =>
    openTicket(tx, {
      tenantId: input.claims.app_metadata.tenant_id,
      conversationId: input.conversationId,
      threadId: threadIdFor(input.conversationId, input.userMessageId),
      question: input.question,
      context: [],
      draft: null,
      confidence: null,
      reason: "unexpected_error",
    }),
  );
  return { type: "escalated", messageId: ticket.bridgeMessageId, text: ticket.bridgeText, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber };
}

/**
 * Joins the SSE parts produced in the same turn of the event loop into one chunk: a
 * cache hit's nine parts then leave in one socket write instead of nine. Parts produced
 * later (a streamed answer) still go out as they come, one event-loop turn later at most.
 */
function coalesceChunks(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let pending: Uint8Array[] = [];
  let done = false;
  const joined = () => {
    const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    return chunk;
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending.push(chunk);
        if (pending.length > 1) return;
        setImmediate(() => {
          if (done || pending.length === 0) return;
          try {
            controller.enqueue(joined());
          } catch {
            // The client went away; nothing left to send.
          }
        });
      },
      flush(controller) {
        done = true;
        if (pending.length > 0) controller.enqueue(joined());
      },
    }),
  );
}

const START: InferUIMessageChunk<ChatUIMessage> = { type: "start", messageMetadata: { fromCache: false, offline: false, confidence: null } };

/** Response headers: the AI SDK's for a UI message stream, never compressed, with the server timing when asked. */
function responseHeaders(timing: RequestTiming | undefined): Record<string, string> {
  // no-transform: `next start` would otherwise gzip the event stream, flushing a deflate
  // block per part (a third of the server's CPU on a cache hit) for a few hundred bytes.
  // What is known before the stream starts (an exact hit: all of it) goes in a header too.
  return { "cache-control": "no-cache, no-transform", ...(timing ? { "server-timing": serverTimingHeader(timing) } : {}) };
}

/**
 * The events of a question whose outcome was settled when it was stored: a follow-up for
 * the humans, small talk, or a cache hit found in the question's own transaction.
 */
function settledEvents(input: StoredQuestion & { settled?: AgentEvent }): AgentEvent[] | undefined {
  if (input.settled) return [input.settled];
  const hit = input.prepared?.cacheCheck?.hit;
  // The same events answerQuestion yields for it.
  return hit ? [CHECKING_CACHE, cacheHitEvent(hit)] : undefined;
}

/**
 * A settled answer as the same UI message stream, written whole: the SSE body is built
 * here (the AI SDK's wire format, `data: <part>` per part and `data: [DONE]`) and sent
 * with its length, so headers and body leave in one socket write instead of one per
 * stream chunk plus the chunked-encoding terminator. At a thousand cache hits a second
 * on two cores, socket writes were a third of the server's time.
 */
function settledResponse(events: AgentEvent[], timing: RequestTiming | undefined): Response {
  const parts: Array<InferUIMessageChunk<ChatUIMessage>> = [START];
  const collect = { write: (part: InferUIMessageChunk<ChatUIMessage>) => void parts.push(part) } as Writer;
  const writeEvent = eventWriter(collect, timing);
  for (const event of events) writeEvent(event);
  parts.push({ type: "finish" });
  const body = Buffer.from(`${parts.map((part) => `data: ${JSON.stringify(part)}\n\n`).join("")}data: [DONE]\n\n`);
  return new Response(body, {
    headers: { ...UI_MESSAGE_STREAM_HEADERS, ...responseHeaders(timing), "content-length": String(body.byteLength) },
  });
}

/**
 * Answers a stored question as an AI SDK UI message stream (SSE); tests may pass their
 * own graph. A question already settled when it was stored (a follow-up for the humans,
 * small talk, a cache hit) is sent whole, without running the agent.
 */
export function chatStreamResponse(input: StoredQuestion & { settled?: AgentEvent }, graph?: AgentGraph): Response {
  const settled = settledEvents(input);
  if (settled) return settledResponse(settled, input.timing);
  const stream = createUIMessageStream<ChatUIMessage>({
    async execute({ writer }) {
      writer.write(START);
      const writeEvent = eventWriter(writer, input.timing);
      let settled = false;
      try {
        const events = answerQuestion(input, graph);
        for await (const event of events) settled = writeEvent(event) || settled;
      } catch (error) {
        console.error("[chat] the agent failed; escalating to a human:", error);
      }
      if (!settled) writeEvent(await escalateAfterFailure(input));
      writer.write({ type: "finish" });
    },
    onError: () => "Something went wrong on our side. Your question is saved; please try again.",
  });
  const response = createUIMessageStreamResponse({ stream, headers: responseHeaders(input.timing) });
  return new Response(response.body && coalesceChunks(response.body), { status: response.status, headers: response.headers });
}

/**
 * POST /chat/stream: the visitor's question stored first (never lost; the cache checked
 * in the same transaction, see ask-question.ts), then its answer streamed as it happens.
 */
export async function streamVisitorAnswer(
  visitor: VisitorSession,
  message: string,
  client: { ip: string; timing?: RequestTiming },
  graph?: AgentGraph,
): Promise<Response> {
  const { userMessageId, userEmail, prepared, settled } = await askQuestion(visitor, message, client.timing, { ip: client.ip });
  return chatStreamResponse(
    { claims: visitor.claims, conversationId: visitor.conversationId, userMessageId, question: message, userEmail, prepared, settled, timing: client.timing },
    graph,
  );
}
