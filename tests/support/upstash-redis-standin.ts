import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";

/**
 * A local stand-in for Upstash Redis's REST API in front of a real Redis: POST / with a
 * JSON command array (and /pipeline with an array of them), bearer token, `{"result"}` /
 * `{"error"}` bodies, base64-encoded strings when the client asks with Upstash-Encoding.
 * The commands (EVALSHA and its Lua scripts included) run on the real server. Scripts
 * flagged `allow-key-locking` (a flag newer Redis versions and Upstash accept) have the
 * flag dropped for an older local Redis, and their SHA mapped to match.
 */
type Reply = string | number | null | Reply[] | { error: string };

function encodeCommand(args: (string | number)[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) {
    const text = String(arg);
    parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
  }
  return Buffer.from(parts.join(""));
}

/** Parses one RESP reply at `offset`; null when the buffer does not hold all of it yet. */
function parseReply(buffer: Buffer, offset: number): { value: Reply; next: number } | null {
  const end = buffer.indexOf("\r\n", offset);
  if (end < 0) return null;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString("utf8", offset + 1, end);
  if (type === "+") return { value: line, next: end + 2 };
  if (type === "-") return { value: { error: line }, next: end + 2 };
  if (type === ":") return { value: Number(line), next: end + 2 };
  if (type === "$") {
    const length = Number(line);
    if (length < 0) return { value: null, next: end + 2 };
    if (buffer.length < end + 2 + length + 2) return null;
    return { value: buffer.toString("utf8", end + 2, end + 2 + length), next: end + 2 + length + 2 };
  }
  if (type === "*") {
    const count = Number(line);
    if (count < 0) return { value: null, next: end + 2 };
    const items: Reply[] = [];
    let next = end + 2;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buffer, next);
      if (!item) return null;
      items.push(item.value);
      next = item.next;
    }
    return { value: items, next };
  }
  throw new Error(`unexpected RESP type ${type}`);
}

async function runCommands(redisUrl: string, commands: (string | number)[][]): Promise<Reply[]> {
  const { hostname, port } = new URL(redisUrl);
  const socket: Socket = connect(Number(port || 6379), hostname);
  try {
    return await new Promise<Reply[]>((resolve, reject) => {
      let buffer = Buffer.alloc(0);
      const replies: Reply[] = [];
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        let parsed = parseReply(buffer, 0);
        while (parsed) {
          replies.push(parsed.value);
          buffer = buffer.subarray(parsed.next);
          parsed = buffer.length ? parseReply(buffer, 0) : null;
        }
        if (replies.length === commands.length) resolve(replies);
      });
      socket.write(Buffer.concat(commands.map(encodeCommand)));
    });
  } finally {
    socket.destroy();
  }
}

function encodeResult(value: Reply, base64: boolean): unknown {
  if (typeof value === "string") return base64 ? Buffer.from(value).toString("base64") : value;
  if (Array.isArray(value)) return value.map((v) => encodeResult(v, base64));
  return value;
}

function toBody(reply: Reply, base64: boolean): { result?: unknown; error?: string } {
  return reply && typeof reply === "object" && !Array.isArray(reply) ? { error: reply.error } : { result: encodeResult(reply, base64) };
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

function adaptScripts(commands: (string | number)[][], shas: Map<string, string>): (string | number)[][] {
  return commands.map((command) => {
    const name = String(command[0]).toLowerCase();
    if (name === "eval" && /^#!lua flags=allow-key-locking/.test(String(command[1]))) {
      const original = String(command[1]);
      const adapted = original.replace(/^#!lua flags=allow-key-locking/, "#!lua");
      shas.set(sha1(original), sha1(adapted));
      return [command[0], adapted, ...command.slice(2)];
    }
    if (name === "evalsha" && shas.has(String(command[1]))) return [command[0], shas.get(String(command[1]))!, ...command.slice(2)];
    return command;
  });
}

export async function startUpstashRedisStandIn(options: { redisUrl: string; token: string }) {
  const commandsSeen: string[] = [];
  const shas = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", async () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { error: "Unauthorized" });
      const base64 = req.headers["upstash-encoding"] === "base64";
      try {
        const body = JSON.parse(raw) as (string | number)[] | (string | number)[][];
        const pipeline = req.url?.startsWith("/pipeline") || req.url?.startsWith("/multi-exec");
        const commands = pipeline ? (body as (string | number)[][]) : [body as (string | number)[]];
        commandsSeen.push(...commands.map((c) => String(c[0]).toLowerCase()));
        const replies = await runCommands(options.redisUrl, adaptScripts(commands, shas));
        if (pipeline) return send(200, replies.map((r) => toBody(r, base64)));
        const single = toBody(replies[0], base64);
        return send(single.error ? 400 : 200, single);
      } catch (error) {
        return send(400, { error: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    commandsSeen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
