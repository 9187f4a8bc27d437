/** What a client of POST /chat/stream saw, read from the AI SDK UI message stream (SSE). */
export interface StreamedReply {
  text: string;
  /** Last `data-status` value: resolved, waiting_for_agent, ... */
  status: string | null;
  metadata: Record<string, unknown>;
  sources: string[];
  errors: string[];
  /** ms from `startedAt` to the first answer text, and to the end of the stream. */
  firstTextMs: number | null;
  firstByteMs: number | null;
  endMs: number;
}

interface UiPart {
  type?: string;
  delta?: string;
  data?: { status?: string };
  messageMetadata?: Record<string, unknown>;
  title?: string;
  errorText?: string;
}

function apply(reply: StreamedReply, part: UiPart, elapsed: number): void {
  switch (part.type) {
    case "text-delta":
      if (part.delta) {
        reply.firstTextMs ??= elapsed;
        reply.text += part.delta;
      }
      break;
    case "data-status":
      if (part.data?.status) reply.status = part.data.status;
      break;
    case "source-url":
    case "source-document":
      reply.sources.push(part.title ?? "");
      break;
    case "error":
      reply.errors.push(part.errorText ?? "stream error");
      break;
  }
  if (part.messageMetadata) Object.assign(reply.metadata, part.messageMetadata);
}

/** Parses one SSE event block's data lines; `[DONE]` and non-JSON payloads yield nothing. */
export function parseSseEvent(block: string): UiPart | null {
  const data = block
    .split("\n")
    .filter((l) => l.startsWith("data:"))
    .map((l) => l.slice(5).replace(/^ /, ""))
    .join("\n");
  if (!data || data === "[DONE]") return null;
  try {
    return JSON.parse(data) as UiPart;
  } catch {
    return null;
  }
}

/** Reads a UI message stream response to its end, timing the first byte and the first answer text. */
export async function readUiStream(response: Response, startedAt: number): Promise<StreamedReply> {
  const reply: StreamedReply = { text: "", status: null, metadata: {}, sources: [], errors: [], firstTextMs: null, firstByteMs: null, endMs: 0 };
  if (!response.body) throw new Error("The chat response has no body.");
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const elapsed = performance.now() - startedAt;
    reply.firstByteMs ??= elapsed;
    buffer += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const part = parseSseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (part) apply(reply, part, elapsed);
    }
  }
  const last = parseSseEvent(buffer);
  if (last) apply(reply, last, performance.now() - startedAt);
  reply.endMs = performance.now() - startedAt;
  return reply;
}
