import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { hashEmbedder } from "@/lib/ai/embeddings";

/**
 * A local stand-in for an OpenAI-compatible model server (what OPENAI_BASE_URL points
 * at: Ollama, vLLM, a gateway), speaking the documented wire format the AI SDK's
 * provider uses: POST /v1/embeddings and POST /v1/chat/completions (JSON, or SSE chunks
 * with `stream: true`). Each endpoint can be made to fail the way a real one does:
 *  - "ok":    answers (embeddings from the deterministic hash embedder; the grade call
 *             finds every passage relevant, generate streams `answer`, assess scores 0.95);
 *  - "error": 503 with an OpenAI-style error body;
 *  - "hang":  takes the request and never answers;
 *  - "stall": (chat streams) sends the first six words of the answer, then nothing more.
 * stop() closes the port (connection refused, as a crashed server); start() reopens it.
 */
export type EndpointMode = "ok" | "error" | "hang" | "stall";

export interface OpenAiStandIn {
  /** The base URL to put in OPENAI_BASE_URL (…/v1). */
  baseUrl: string;
  modes: { embeddings: EndpointMode; chat: EndpointMode };
  answer: string;
  /** Requests received per endpoint ("embeddings", "chat"). */
  calls: { embeddings: number; chat: number };
  start(): Promise<void>;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => resolve(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}));
    req.on("error", reject);
  });
}

const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

function systemText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  return messages
    .filter((m) => m.role === "system")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
    .join("\n");
}

function userText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  return messages
    .filter((m) => m.role === "user")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
    .join("\n");
}

/** The JSON the grade and assess calls ask for, as a model following the prompt writes it. */
function structuredReply(body: Record<string, unknown>): string {
  if (systemText(body).includes("You grade search results")) {
    const passages = [...userText(body).matchAll(/^\[(\d+)\] Title:/gm)].map((m) => Number(m[1]));
    return JSON.stringify({ verdicts: passages.map((passage) => ({ passage, relevant: true })) });
  }
  return JSON.stringify({ score: 0.95, reason: "supported" });
}

function sseChunk(res: ServerResponse, delta: Record<string, unknown>, finish: string | null): void {
  const chunk = { id: "chatcmpl-standin", object: "chat.completion.chunk", created: 0, model: "standin", choices: [{ index: 0, delta, finish_reason: finish }] };
  res.write(`data: ${JSON.stringify(chunk)}\n\n`);
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const standIn: OpenAiStandIn = {
    baseUrl: "",
    modes: { embeddings: "ok", chat: "ok" },
    answer: "You can reset it from the sign-in page [1].",
    calls: { embeddings: 0, chat: 0 },
    async start() {
      if (server) return;
      const created = createServer((req, res) => void handle(req, res));
      created.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        created.once("error", reject);
        created.listen(port, "127.0.0.1", resolve);
      });
      server = created;
      port = (created.address() as AddressInfo).port;
      standIn.baseUrl = `http://127.0.0.1:${port}/v1`;
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const endpoint = req.url?.endsWith("/embeddings") ? "embeddings" : req.url?.endsWith("/chat/completions") ? "chat" : null;
    if (!endpoint) return void res.writeHead(404).end();
    standIn.calls[endpoint]++;
    const mode = standIn.modes[endpoint];
    if (mode === "hang") return;
    if (mode === "error") {
      res.writeHead(503, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: { message: "The server is overloaded.", type: "server_error", code: null } }));
    }
    if (endpoint === "embeddings") {
      const input = body.input as string[];
      const vectors = await hashEmbedder.embed(input);
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ object: "list", data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })), model: body.model, usage }));
    }
    if (!body.stream) {
      const message = { role: "assistant", content: structuredReply(body) };
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(
        JSON.stringify({ id: "chatcmpl-standin", object: "chat.completion", created: 0, model: "standin", choices: [{ index: 0, message, finish_reason: "stop" }], usage }),
      );
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const words = standIn.answer.split(/(?<= )/);
    sseChunk(res, { role: "assistant", content: "" }, null);
    // A stalled stream: the first words arrive, then the model goes silent. Six words: the
    // output guard shows an answer a few words behind the model (lib/ai/answer-stream-guard.ts),
    // so the visitor has seen the first two when the model stops.
    for (const word of mode === "stall" ? words.slice(0, 6) : words) sseChunk(res, { content: word }, null);
    if (mode === "stall") return;
    sseChunk(res, {}, "stop");
    res.end("data: [DONE]\n\n");
  }

  await standIn.start();
  return standIn;
}
