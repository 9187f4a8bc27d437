import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { embedOfflineMany } from "@/lib/ai/offline-embedder";
import { onCleanup } from "./lifecycle";

/**
 * An OpenAI-compatible model server on loopback for benchmarks of the miss path: the
 * production server reaches it through OPENAI_BASE_URL exactly as it would reach Ollama or
 * vLLM, and it answers at once, so what is measured is the product's own path. Chat: the
 * grade call (told apart by its system prompt) finds every passage relevant, generate
 * streams a fixed cited answer, assess returns `score` (settable between phases: low
 * escalates). Embeddings: the offline embedder's vectors, so ingestion and questions agree.
 */
export interface MockOpenAi {
  url: string;
  score: number;
  calls: number;
  stop(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

interface ChatMessage {
  role: string;
  content: string | Array<{ type: string; text?: string }>;
}

const textOf = (m: ChatMessage) => (typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? "").join("\n"));
const ANSWER = "You can change it under Settings, as the article explains [1].";
const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

function completion(res: ServerResponse, text: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({
    id: "mock", object: "chat.completion", created: 0, model: "mock",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage,
  }));
}

function streamed(res: ServerResponse, text: string): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ id: "mock", object: "chat.completion.chunk", created: 0, model: "mock", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  for (const word of text.split(/(?<= )/)) res.write(chunk({ content: word }, null));
  res.write(chunk({}, "stop"));
  res.end(`data: ${JSON.stringify({ id: "mock", object: "chat.completion.chunk", created: 0, model: "mock", choices: [], usage })}\n\ndata: [DONE]\n\n`);
}

export async function startMockOpenAi(initialScore: number): Promise<MockOpenAi> {
  const state = { score: initialScore, calls: 0 };
  const server = createServer((req, res) => {
    body(req)
      .then((payload) => {
        state.calls++;
        if (req.url?.endsWith("/embeddings")) {
          const input = payload.input as string | string[];
          const vectors = embedOfflineMany(Array.isArray(input) ? input : [input]);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ object: "list", model: "mock", usage, data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })) }));
          return;
        }
        const messages = payload.messages as ChatMessage[];
        const system = messages.filter((m) => m.role === "system").map(textOf).join("\n");
        if (payload.stream) return streamed(res, ANSWER);
        if (system.includes("You grade search results")) {
          const passages = [...messages.map(textOf).join("\n").matchAll(/^\[(\d+)\] Title:/gm)].map((m) => Number(m[1]));
          return completion(res, JSON.stringify({ verdicts: passages.map((passage) => ({ passage, relevant: true })) }));
        }
        return completion(res, JSON.stringify({ score: state.score, reason: "mock" }));
      })
      .catch((error: Error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: error.message } }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  onCleanup(stop);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get score() { return state.score; },
    set score(value: number) { state.score = value; },
    get calls() { return state.calls; },
    stop,
  };
}
