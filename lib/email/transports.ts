import "server-only";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTransport } from "nodemailer";
import { Resend } from "resend";
import { env } from "@/lib/env";

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  replyTo?: string;
  /** The outbox row's id: the same message keeps the same key across retries. */
  idempotencyKey: string;
}

export interface MailTransport {
  readonly name: "resend" | "smtp" | "file";
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

/** A failed send; permanent when the provider refused the message itself (retrying cannot help). */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "MailSendError";
  }
}

function domainOf(from: string): string {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
}

/** Resend deduplicates sends with the same Idempotency-Key (for 24 hours). */
export function createResendTransport(apiKey: string, options: { baseUrl?: string } = {}): MailTransport {
  const resend = new Resend(apiKey, options);
  return {
    name: "resend",
    async send(email) {
      const { data, error } = await resend.emails.send(
        { from: email.from, to: [email.to], subject: email.subject, html: email.html, text: email.text, replyTo: email.replyTo },
        { idempotencyKey: email.idempotencyKey },
      );
      if (error || !data) {
        const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
        // 4xx is a refusal of this message, except timeouts, idempotency races and rate limits.
        const permanent = status !== null && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
        throw new MailSendError(`Resend: ${error?.message ?? "no response"}`, permanent);
      }
      return { providerMessageId: data.id };
    },
  };
}

/**
 * SMTP through nodemailer. The Message-ID is derived from the outbox id, so a resend
 * after a crash carries the same id and receiving systems can recognise the duplicate.
 */
export function createSmtpTransport(url: string): MailTransport {
  const transporter = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    name: "smtp",
    async send(email) {
      try {
        const info = await transporter.sendMail(mimeMessage(email));
        return { providerMessageId: info.messageId };
      } catch (error) {
        const e = error as { message?: string; permanent?: boolean };
        throw new MailSendError(`SMTP: ${e.message ?? String(error)}`, e.permanent === true);
      }
    },
  };
}

/** The MIME message; its Message-ID comes from the outbox id, the same on every attempt. */
function mimeMessage(email: OutgoingEmail) {
  return {
    from: email.from,
    to: email.to,
    replyTo: email.replyTo,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: `<${email.idempotencyKey}@${domainOf(email.from)}>`,
  };
}

/** No provider configured: each message becomes an .eml file, named by its idempotency key. */
export function createFileTransport(directory: string): MailTransport {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "file",
    async send(email) {
      const info = await composer.sendMail(mimeMessage(email));
      await mkdir(directory, { recursive: true });
      const file = path.join(directory, `${email.idempotencyKey.replace(/[^\w-]/g, "_")}.eml`);
      // Write then rename: a crash never leaves half a message behind.
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      return { providerMessageId: `file:${file}` };
    },
  };
}

let configured: MailTransport | undefined;

/** Resend when RESEND_API_KEY is set, else SMTP when SMTP_URL is set, else files under DATA_DIR/mail. */
export function getMailTransport(): MailTransport {
  if (configured) return configured;
  const { RESEND_API_KEY, SMTP_URL, DATA_DIR } = env();
  if (RESEND_API_KEY) configured = createResendTransport(RESEND_API_KEY);
  else if (SMTP_URL) configured = createSmtpTransport(SMTP_URL);
  else configured = createFileTransport(path.resolve(DATA_DIR, "mail"));
  return configured;
}

/** Tests change the environment between cases; this forgets the chosen transport. */
export function resetMailTransportForTests(): void {
  configured = undefined;
}
