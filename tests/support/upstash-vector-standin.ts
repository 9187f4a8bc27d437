import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { cosineSimilarity } from "@/lib/ai/vector";

/**
 * A local stand-in for Upstash Vector's REST API: the documented endpoints the SDK calls
 * (POST /{command}/{namespace}, bearer token, `{"result": ...}` bodies, cosine scores as
 * (1 + cos) / 2, the SQL-like filter subset the adapter uses). It can fail as the real
 * service does: "error" answers 503, "hang" never answers, stop() refuses connections
 * until start() reopens the same port; "ignore-filters" plays a store that returns
 * another tenant's vectors (the adapter must drop them).
 */
export type StoreMode = "ok" | "error" | "hang" | "ignore-filters";

type Metadata = Record<string, unknown>;

interface Stored {
  id: string;
  vector: number[];
  metadata: Metadata;
}

export interface RecordedRequest {
  command: string;
  namespace: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

export interface UpstashVectorStandIn {
  url: string;
  token: string;
  mode: StoreMode;
  /** Vectors per namespace. */
  store: Map<string, Map<string, Stored>>;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

// --- the filter language subset the adapter uses: = != < <= > >= CONTAINS, AND, OR, () ---
function evaluateFilter(filter: string, m: Metadata): boolean {
  const tokens = filter.match(/'[^']*'|"[^"]*"|\(|\)|!=|<=|>=|=|<|>|[\w.:-]+/g) ?? [];
  let i = 0;
  const literal = (t: string): unknown => (/^['"]/.test(t) ? t.slice(1, -1) : t === "true" ? true : t === "false" ? false : Number(t));
  const comparison = (): boolean => {
    if (tokens[i] === "(") {
      i++;
      const v = disjunction();
      i++;
      return v;
    }
    const key = tokens[i++];
    const op = tokens[i++];
    const value = literal(tokens[i++]);
    const actual = key.split(".").reduce<unknown>((o, k) => (o as Metadata | undefined)?.[k], m);
    if (op === "CONTAINS") return Array.isArray(actual) && actual.includes(value);
    if (op === "=") return actual === value;
    if (op === "!=") return actual !== value;
    const [x, y] = [Number(actual), Number(value)];
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  };
  const conjunction = (): boolean => {
    let v = comparison();
    while (tokens[i] === "AND") {
      i++;
      v = comparison() && v;
    }
    return v;
  };
  const disjunction = (): boolean => {
    let v = conjunction();
    while (tokens[i] === "OR") {
      i++;
      v = conjunction() || v;
    }
    return v;
  };
  return disjunction();
}

function handle(standIn: UpstashVectorStandIn, command: string, space: Map<string, Stored>, body: Record<string, unknown>): unknown {
  const { mode, store } = standIn;
  const matches = (s: Stored) => mode === "ignore-filters" || !body.filter || evaluateFilter(String(body.filter), s.metadata);
  switch (command) {
    case "upsert":
      for (const v of (Array.isArray(body) ? body : [body]) as Stored[]) space.set(String(v.id), structuredClone(v));
      return "Success";
    case "query": {
      const vector = body.vector as number[];
      // "ignore-filters" plays a store that returns another tenant's vector: the adapter must drop it.
      const pool = mode === "ignore-filters" ? [...store.values()].flatMap((s) => [...s.values()]) : [...space.values()];
      return pool
        .filter(matches)
        .map((s) => ({ id: s.id, score: (1 + cosineSimilarity(vector, s.vector)) / 2, metadata: body.includeMetadata ? s.metadata : undefined }))
        .sort((x, y) => y.score - x.score)
        .slice(0, Number(body.topK));
    }
    case "fetch":
      return (body.ids as string[]).map((id) => {
        const s = space.get(id);
        return s ? { id, metadata: body.includeMetadata ? s.metadata : undefined } : null;
      });
    case "update": {
      const s = space.get(String(body.id));
      if (!s) return { updated: 0 };
      if (body.vector) s.vector = body.vector as number[];
      s.metadata = body.metadataUpdateMode === "PATCH" ? { ...s.metadata, ...(body.metadata as Metadata) } : (body.metadata as Metadata);
      return { updated: 1 };
    }
    case "delete": {
      const ids = body.ids ? (body.ids as string[]) : [...space.values()].filter(matches).map((s) => s.id);
      return { deleted: ids.filter((id) => space.delete(id)).length };
    }
    case "range": {
      const all = [...space.values()].sort((x, y) => x.id.localeCompare(y.id));
      const start = Number(body.cursor || 0);
      const page = all.slice(start, start + Number(body.limit));
      const next = start + page.length < all.length ? String(start + page.length) : "";
      return { nextCursor: next, vectors: page.map((s) => ({ id: s.id, metadata: s.metadata })) };
    }
    case "info":
      return {
        vectorCount: [...store.values()].reduce((n, s) => n + s.size, 0),
        pendingVectorCount: 0,
        indexSize: 0,
        dimension: 1536,
        similarityFunction: "COSINE",
        namespaces: Object.fromEntries([...store].map(([ns, s]) => [ns, { vectorCount: s.size, pendingVectorCount: 0 }])),
      };
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
    requests: [],
    async start() {
      if (server) return;
      const created = createServer((req, res) => {
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", () => {
          const [, command, namespace = ""] = decodeURIComponent(req.url ?? "").match(/^\/([a-z-]+)(?:\/(.*))?$/) ?? [];
          const body = raw ? JSON.parse(raw) : {};
          standIn.requests.push({ command, namespace, auth: req.headers.authorization, body });
          if (standIn.mode === "hang") return;
          const reply = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
          if (standIn.mode === "error") return reply(503, { error: "Service Unavailable" });
          if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
          if (!standIn.store.has(namespace)) standIn.store.set(namespace, new Map());
          reply(200, { result: handle(standIn, command, standIn.store.get(namespace)!, body) });
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
