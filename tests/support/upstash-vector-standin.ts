import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { cosineSimilarity } from "@/lib/ai/vector";

/**
 * A small local stand-in for Upstash Vector's REST API, enough for the cache adapter's
 * chat path: POST /{query|fetch|upsert|update}/{namespace} with a bearer token and
 * `{"result": ...}` bodies, cosine scores as (1 + cos) / 2. Filters are not evaluated
 * (the adapter re-checks tenant, model and expiry of every result itself); the full
 * filter language is exercised by cache-upstash.test.ts. It can fail as the real
 * service does: "error" answers 503, "hang" never answers, stop() refuses connections
 * until start() reopens the same port.
 */
export type StoreMode = "ok" | "error" | "hang";

interface Stored {
  id: string;
  vector: number[];
  metadata: Record<string, unknown>;
}

export interface UpstashVectorStandIn {
  url: string;
  token: string;
  mode: StoreMode;
  /** Vectors per namespace. */
  store: Map<string, Map<string, Stored>>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function handle(command: string, space: Map<string, Stored>, body: Record<string, unknown>): unknown {
  switch (command) {
    case "upsert":
      for (const v of (Array.isArray(body) ? body : [body]) as Stored[]) space.set(String(v.id), structuredClone(v));
      return "Success";
    case "query":
      return [...space.values()]
        .map((s) => ({ id: s.id, score: (1 + cosineSimilarity(body.vector as number[], s.vector)) / 2, metadata: body.includeMetadata ? s.metadata : undefined }))
        .sort((x, y) => y.score - x.score)
        .slice(0, Number(body.topK));
    case "fetch":
      return (body.ids as string[]).map((id) => {
        const s = space.get(id);
        return s ? { id, metadata: body.includeMetadata ? s.metadata : undefined } : null;
      });
    case "update": {
      const s = space.get(String(body.id));
      if (!s) return { updated: 0 };
      s.metadata = { ...s.metadata, ...(body.metadata as Record<string, unknown>) };
      return { updated: 1 };
    }
    default:
      throw new Error(`unsupported command ${command}`);
  }
}

export async function startUpstashVectorStandIn(token = "standin-upstash-token"): Promise<UpstashVectorStandIn> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const standIn: UpstashVectorStandIn = {
    url: "",
    token,
    mode: "ok",
    store: new Map(),
    async start() {
      if (server) return;
      const created = createServer((req, res) => {
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", () => {
          if (standIn.mode === "hang") return;
          const reply = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
          if (standIn.mode === "error") return reply(503, { error: "Service Unavailable" });
          if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
          const [, command, namespace = ""] = decodeURIComponent(req.url ?? "").match(/^\/([a-z-]+)(?:\/(.*))?$/) ?? [];
          if (!standIn.store.has(namespace)) standIn.store.set(namespace, new Map());
          reply(200, { result: handle(command, standIn.store.get(namespace)!, raw ? JSON.parse(raw) : {}) });
        });
      });
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
      standIn.url = `http://127.0.0.1:${port}`;
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  await standIn.start();
  return standIn;
}
