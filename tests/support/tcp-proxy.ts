import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A TCP proxy between the app and PostgreSQL, so a test can do to the app what a
 * database restart does: every open connection is cut at once (stop()), new ones are
 * refused while the server is "restarting", and accepted again on the same address
 * (start()). The database itself keeps running for the test's own observations.
 */
export interface TcpProxy {
  port: number;
  /** Connections the proxy has accepted so far. */
  accepted: number;
  start(): Promise<void>;
  /** Cuts every open connection (both sides) and refuses new ones until start(). */
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let server: Server | undefined;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    // A cut connection errors on the other side too; that is the point, not a test failure.
    socket.on("error", () => socket.destroy());
  };

  const proxy: TcpProxy = {
    port: 0,
    accepted: 0,
    async start() {
      if (server) return;
      const created = createServer((client) => {
        proxy.accepted++;
        const upstream = connect(target.port, target.host);
        track(client);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        created.once("error", reject);
        created.listen(proxy.port, "127.0.0.1", resolve);
      });
      server = created;
      proxy.port = (created.address() as AddressInfo).port;
    },
    async stop() {
      const closing = server;
      server = undefined;
      for (const socket of open) socket.destroy();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  await proxy.start();
  return proxy;
}
