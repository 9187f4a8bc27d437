import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server on 127.0.0.1 that keeps every message it accepts. It can be stopped
 * and started again on the same port (a mail server going down and coming back), and made
 * to refuse: with 421 at connection (temporarily unavailable) or 550 per recipient.
 */
export interface SmtpSink {
  readonly received: ParsedMail[];
  /** The port, fixed by the first start. */
  readonly port: number;
  /** smtp://127.0.0.1:<port> */
  readonly url: string;
  refuse: { connections: boolean; recipients: boolean };
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSmtpSink(): SmtpSink {
  let server: SMTPServer | undefined;
  let port = 0;
  const sink: SmtpSink = {
    received: [],
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    refuse: { connections: false, recipients: false },
    async start() {
      const started = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        logger: false,
        onConnect(_session, callback) {
          if (!sink.refuse.connections) return callback();
          callback(Object.assign(new Error("4.3.2 Service not available, try again later"), { responseCode: 421 }));
        },
        onRcptTo(_address, _session, callback) {
          if (!sink.refuse.recipients) return callback();
          callback(Object.assign(new Error("5.1.1 No such mailbox"), { responseCode: 550 }));
        },
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((mail) => {
              sink.received.push(mail);
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve) => started.listen(port, "127.0.0.1", resolve));
      port = (started.server.address() as AddressInfo).port;
      server = started;
    },
    async stop() {
      const running = server;
      server = undefined;
      await new Promise<void>((resolve) => (running ? running.close(() => resolve()) : resolve()));
    },
  };
  return sink;
}
