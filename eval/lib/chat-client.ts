import { readUiStream, type StreamedReply } from "./ui-stream";

/** Sends a JSON POST to one of the chat API's paths: over HTTP, or straight to the route handlers. */
export type ChatTransport = (path: "/chat/session" | "/chat/stream", body: unknown) => Promise<Response>;

function jsonRequest(url: string, body: unknown): RequestInit & { url: string } {
  return { url, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

export function httpTransport(baseUrl: string): ChatTransport {
  return async (path, body) => {
    const { url, ...init } = jsonRequest(new URL(path, baseUrl).toString(), body);
    return fetch(url, init);
  };
}

/**
 * The same route handlers the server runs, called in this process: validation, token,
 * storing the question, the graph, the UI message stream, without an HTTP hop.
 */
export async function inProcessTransport(): Promise<ChatTransport> {
  const [session, stream] = await Promise.all([import("@/app/(widget)/chat/session/route"), import("@/app/(widget)/chat/stream/route")]);
  return async (path, body) => {
    const { url, ...init } = jsonRequest(`http://eval.local${path}`, body);
    return (path === "/chat/session" ? session.POST : stream.POST)(new Request(url, init));
  };
}

export type Outcome = "answered" | "escalated" | "cache_hit" | "error";

export interface ChatReply {
  outcome: Outcome;
  answer: string;
  conversationId: string | null;
  metadata: Record<string, unknown>;
  /** From sending the question to the first answer text / the end of the reply. */
  ttfbMs: number | null;
  latencyMs: number;
  error: string | null;
}

async function errorText(response: Response): Promise<string> {
  const body = await response.text().catch(() => "");
  try {
    return `HTTP ${response.status}: ${(JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body}`;
  } catch {
    return `HTTP ${response.status}: ${body.slice(0, 200)}`;
  }
}

export function outcomeOf(reply: StreamedReply): Outcome {
  if (reply.status === "waiting_for_agent") return "escalated";
  if (reply.errors.length || !reply.text.trim()) return "error";
  return reply.metadata.fromCache === true ? "cache_hit" : "answered";
}

/** Opens a widget session (one conversation per question, like a new visitor) and asks. */
export async function askOnce(transport: ChatTransport, widgetKey: string, question: string): Promise<ChatReply> {
  const session = await transport("/chat/session", { widgetKey });
  if (!session.ok) return { outcome: "error", answer: "", conversationId: null, metadata: {}, ttfbMs: null, latencyMs: 0, error: await errorText(session) };
  const { token, conversationId } = (await session.json()) as { token: string; conversationId: string };
  const started = performance.now();
  const response = await transport("/chat/stream", { token, message: question });
  if (!response.ok) {
    return { outcome: "error", answer: "", conversationId, metadata: {}, ttfbMs: null, latencyMs: performance.now() - started, error: await errorText(response) };
  }
  const reply = await readUiStream(response, started);
  const outcome = outcomeOf(reply);
  return {
    outcome,
    answer: reply.text,
    conversationId,
    metadata: reply.metadata,
    ttfbMs: reply.firstTextMs,
    latencyMs: reply.endMs,
    error: outcome === "error" ? (reply.errors.join("; ") || "no answer in the stream") : null,
  };
}
