import { describe, expect, it } from "vitest";
import { outcomeOf } from "./chat-client";
import { parseSseEvent, readUiStream } from "./ui-stream";

function sse(parts: unknown[]): string {
  return parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join("") + "data: [DONE]\n\n";
}

/** A response whose body arrives in pieces cut at arbitrary places, as over a socket. */
function chunked(text: string, size: number): Response {
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
  return new Response(stream);
}

const answered = sse([
  { type: "start", messageMetadata: { fromCache: false } },
  { type: "data-status", id: "status", data: { status: "checking_cache" } },
  { type: "text-start", id: "m" },
  { type: "text-delta", id: "m", delta: "Hello " },
  { type: "text-delta", id: "m", delta: "world [1]" },
  { type: "source-url", sourceId: "1", url: "https://x", title: "Doc" },
  { type: "data-status", id: "status", data: { status: "resolved" } },
  { type: "message-metadata", messageMetadata: { fromCache: true, confidence: 0.9, modelCalls: 0 } },
  { type: "finish" },
]);

describe("readUiStream", () => {
  it("assembles text, status, sources and metadata across arbitrary chunk boundaries", async () => {
    for (const size of [1, 7, 64, 10_000]) {
      const reply = await readUiStream(chunked(answered, size), performance.now());
      expect(reply.text).toBe("Hello world [1]");
      expect(reply.status).toBe("resolved");
      expect(reply.sources).toEqual(["Doc"]);
      expect(reply.metadata).toEqual({ fromCache: true, confidence: 0.9, modelCalls: 0 });
      expect(reply.firstTextMs).not.toBeNull();
      expect(reply.firstByteMs! <= reply.firstTextMs!).toBe(true);
    }
  });

  it("classifies outcomes as the widget would show them", async () => {
    expect(outcomeOf(await readUiStream(chunked(answered, 50), 0))).toBe("cache_hit");
    const escalated = sse([{ type: "data-status", id: "status", data: { status: "waiting_for_agent", ticketNumber: 3 } }, { type: "text-delta", id: "m", delta: "Ticket #3" }]);
    expect(outcomeOf(await readUiStream(chunked(escalated, 50), 0))).toBe("escalated");
    const empty = sse([{ type: "start" }, { type: "error", errorText: "boom" }]);
    const reply = await readUiStream(chunked(empty, 50), 0);
    expect(reply.errors).toEqual(["boom"]);
    expect(outcomeOf(reply)).toBe("error");
  });
});

describe("parseSseEvent", () => {
  it("ignores [DONE], comments and non-JSON data", () => {
    expect(parseSseEvent("data: [DONE]")).toBeNull();
    expect(parseSseEvent(": heartbeat")).toBeNull();
    expect(parseSseEvent("data: {oops")).toBeNull();
    expect(parseSseEvent('event: x\ndata: {"type":"finish"}')).toEqual({ type: "finish" });
  });
});
