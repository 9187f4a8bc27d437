import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveEvents } from "./widget-visitor";

/** A stand-in for GET /chat/events: each test scripts what the stream sends. */
let script: (response: ServerResponse) => void = () => undefined;
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/event-stream" });
  response.write("retry: 3000\n: connected\n\n");
  script(response);
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const message = (id: string) => `id: ${id}\nevent: message\ndata: ${JSON.stringify({ id, senderType: "ai" })}\n\n`;

describe("LiveEvents", () => {
  it("opens at the first byte, waits for every id, and counts a message sent again", async () => {
    script = (response) => {
      setTimeout(() => response.write(message("a")), 20);
      setTimeout(() => response.write(message("b") + message("a")), 60);
    };
    const events = new LiveEvents(url, "token", null);
    expect((await events.opened).error).toBeNull();
    await events.waitFor(["a", "b"], performance.now() + 2_000);
    expect([...events.arrived.keys()]).toEqual(["a", "b"]);
    expect(events.duplicates).toBe(1);
    events.close();
    expect(await events.ended).toBeNull();
  });

  it("gives up waiting at the deadline", async () => {
    script = () => undefined;
    const events = new LiveEvents(url, "token", null);
    await events.opened;
    const started = performance.now();
    await events.waitFor(["never"], started + 100);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    events.close();
  });

  it("says so when the server ends the stream", async () => {
    script = (response) => setTimeout(() => response.end(), 20);
    const events = new LiveEvents(url, "token", null);
    expect(await events.ended).toBe("ended by the server");
  });
});
