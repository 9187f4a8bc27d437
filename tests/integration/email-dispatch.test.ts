import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { dispatchDueEmails, MAX_EMAIL_ATTEMPTS, senderAs } from "@/lib/email/dispatch";
import { queueEmail } from "@/lib/email/outbox";
import {
  createResendTransport,
  createSmtpTransport,
  getMailTransport,
  resetMailTransportForTests,
  type MailTransport,
} from "@/lib/email/transports";
import { createTestTenant, type TestTenant } from "@/tests/support/fixtures";
import { createSmtpSink } from "@/tests/support/smtp-sink";

// --- a real SMTP server in process; it can go down and come back on the same port ---
const smtp = createSmtpSink();
const received = smtp.received;

const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address;
const deliveredTo = (address: string) => received.filter((m) => to(m) === address);

// --- fixtures ---
let tenant: TestTenant;
let transport: MailTransport;

const payload = {
  tenantName: "Acme Cloud Support",
  brandColor: "#0f766e",
  ticketNumber: 7,
  question: "Can I export <all> my data?",
  answer: "Yes: open Settings → Export.\n\nLarge exports arrive by <b>e-mail</b> & take an hour.",
};

async function queue(address = `${randomUUID()}@example.com`, idempotencyKey = randomUUID()) {
  const { id } = await withTenant(tenant.owner, (tx) =>
    queueEmail(tx, { tenantId: tenant.id, ticketId: randomUUID(), to: address, template: "ticket-answered", payload, idempotencyKey }),
  );
  return { id, address };
}

async function outboxRow(id: string) {
  return withService(async (tx) => {
    const { rows } = await tx.query<{
      status: string;
      attempts: number;
      last_error: string | null;
      provider_message_id: string | null;
      sent_at: Date | null;
      due_in_s: number;
    }>(
      `select status, attempts, last_error, provider_message_id, sent_at,
              extract(epoch from next_attempt_at - now())::float8 as due_in_s
         from public.email_outbox where id = $1`,
      [id],
    );
    return rows[0];
  });
}

const makeDue = (id: string) =>
  withService((tx) => tx.query("update public.email_outbox set next_attempt_at = now() where id = $1", [id]));

beforeAll(async () => {
  await smtp.start();
  transport = createSmtpTransport(smtp.url);
  tenant = await createTestTenant("mail");
});

beforeEach(() => {
  smtp.refuse.recipients = false;
});

afterAll(async () => {
  await smtp.stop();
  await closePool();
});

describe("queue and dispatch over SMTP", () => {
  it("sends as the tenant's name, with its support address as Reply-To and the link back to the conversation", async () => {
    const address = `${randomUUID()}@example.com`;
    const link = "http://localhost:3000/w/pk_test#c=token";
    await withTenant(tenant.owner, (tx) =>
      queueEmail(tx, {
        tenantId: tenant.id,
        ticketId: randomUUID(),
        to: address,
        template: "ticket-answered",
        payload: { ...payload, tenantName: "Acme \"Cloud\"", replyTo: "help@acme.example", conversationUrl: link },
        idempotencyKey: randomUUID(),
      }),
    );
    await dispatchDueEmails({ transport });
    const [mail] = deliveredTo(address);
    const from = mail.from?.value[0];
    expect(from?.name).toBe("Acme Cloud");
    expect(from?.address).toBe(senderAs("x", process.env.EMAIL_FROM ?? "support@localhost").match(/<(.+)>/)?.[1]);
    expect(mail.replyTo?.value[0]?.address).toBe("help@acme.example");
    expect(mail.text).toContain("Continue the conversation");
    expect(mail.html).toContain(`href="${link}"`);
  });

  it("delivers one message with the recipient, subject and escaped body, and records it", async () => {
    const { id, address } = await queue();
    await dispatchDueEmails({ transport });

    const [mail, ...more] = deliveredTo(address);
    expect(more).toHaveLength(0);
    expect(mail.subject).toBe("Acme Cloud Support: your question was answered (ticket #7)");
    expect(mail.messageId).toBe(`<${id}@localhost>`);
    expect(mail.text).toContain("Large exports arrive by <b>e-mail</b> & take an hour.");
    expect(mail.text).toContain("Can I export <all> my data?");
    expect(mail.html).toContain("Large exports arrive by &lt;b&gt;e-mail&lt;/b&gt; &amp; take an hour.");
    expect(mail.html).not.toContain("<b>e-mail</b>");
    expect(mail.html).toContain("#0f766e");

    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 1, last_error: null, provider_message_id: `<${id}@localhost>` });
    expect((await outboxRow(id)).sent_at).toBeInstanceOf(Date);
  });

  it("queues once per idempotency key, in the caller's transaction", async () => {
    const key = randomUUID();
    const first = await queue("twice@example.com", key);
    const second = await queue("twice@example.com", key);
    expect(second.id).toBe(first.id);
    const count = await withTenant(tenant.owner, async (tx) => {
      const { rows } = await tx.query<{ n: number }>("select count(*)::int as n from public.email_outbox where idempotency_key = $1", [key]);
      return rows[0].n;
    });
    expect(count).toBe(1);
    // Rolled back with its transaction: nothing is queued by a resolution that failed.
    const rolledBack = randomUUID();
    await expect(
      withTenant(tenant.owner, async (tx) => {
        await queueEmail(tx, { tenantId: tenant.id, to: "x@example.com", template: "ticket-answered", payload, idempotencyKey: rolledBack });
        throw new Error("resolution failed");
      }),
    ).rejects.toThrow("resolution failed");
    const left = await withService((tx) => tx.query("select 1 from public.email_outbox where idempotency_key = $1", [rolledBack]));
    expect(left.rows).toHaveLength(0);
  });

  it("rejects a bad address, a bad payload and another tenant's id", async () => {
    const base = { tenantId: tenant.id, template: "ticket-answered" as const, payload, idempotencyKey: randomUUID() };
    await expect(withTenant(tenant.owner, (tx) => queueEmail(tx, { ...base, to: "not-an-address" }))).rejects.toMatchObject({ status: 400 });
    await expect(
      withTenant(tenant.owner, (tx) => queueEmail(tx, { ...base, to: "a@example.com", payload: { ...payload, ticketNumber: "7" } })),
    ).rejects.toMatchObject({ status: 400 });
    const other = await createTestTenant("mail-other");
    await expect(withTenant(other.owner, (tx) => queueEmail(tx, { ...base, to: "a@example.com" }))).rejects.toThrow(/row-level security/);
  });

  it("sends once when dispatched twice or concurrently", async () => {
    const { id, address } = await queue();
    await Promise.all([dispatchDueEmails({ transport }), dispatchDueEmails({ transport }), dispatchDueEmails({ transport })]);
    await dispatchDueEmails({ transport });
    expect(deliveredTo(address)).toHaveLength(1);
    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("schedules a retry with the error while SMTP is down, and delivers when it is back", async () => {
    await smtp.stop();
    const { id, address } = await queue();
    await dispatchDueEmails({ transport });
    const retrying = await outboxRow(id);
    expect(retrying).toMatchObject({ status: "pending", attempts: 1 });
    expect(retrying.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(retrying.due_in_s).toBeGreaterThan(20);

    await dispatchDueEmails({ transport });
    expect((await outboxRow(id)).attempts).toBe(1); // not due yet: not retried early

    await smtp.start();
    await makeDue(id);
    await dispatchDueEmails({ transport });
    expect(deliveredTo(address)).toHaveLength(1);
    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 2, last_error: null });
  });

  it("fails at once on a permanent refusal, and after the last attempt otherwise; staff see why", async () => {
    smtp.refuse.recipients = true;
    const refused = await queue();
    await dispatchDueEmails({ transport });
    expect(await outboxRow(refused.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await outboxRow(refused.id)).last_error).toMatch(/550/);

    smtp.refuse.recipients = false;
    await smtp.stop();
    const exhausted = await queue();
    await withService((tx) =>
      tx.query("update public.email_outbox set attempts = $2 where id = $1", [exhausted.id, MAX_EMAIL_ATTEMPTS - 1]),
    );
    await dispatchDueEmails({ transport });
    await smtp.start();
    expect(await outboxRow(exhausted.id)).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });

    const visible = await withTenant(tenant.owner, async (tx) => {
      const { rows } = await tx.query<{ status: string; last_error: string }>(
        "select status, last_error from public.email_outbox where id = $1",
        [refused.id],
      );
      return rows[0];
    });
    expect(visible).toMatchObject({ status: "failed", last_error: expect.stringMatching(/550/) });
  });
});

describe("leases", () => {
  it("resends a row whose worker died mid-send, but not one whose lease is still held", async () => {
    const crashed = await queue();
    const held = await queue();
    await withService((tx) =>
      tx.query(
        `update public.email_outbox set status = 'sending', attempts = 1,
           locked_until = case when id = $1 then now() - interval '1 minute' else now() + interval '5 minutes' end,
           next_attempt_at = case when id = $1 then now() - interval '1 minute' else now() + interval '5 minutes' end
         where id in ($1, $2)`,
        [crashed.id, held.id],
      ),
    );
    await dispatchDueEmails({ transport });
    expect(deliveredTo(crashed.address)).toHaveLength(1);
    expect(deliveredTo(held.address)).toHaveLength(0);
    expect(await outboxRow(crashed.id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(await outboxRow(held.id)).toMatchObject({ status: "sending", attempts: 1 });
  });

  it("does not let a worker whose lease was taken over mark the row", async () => {
    const { id } = await queue();
    const slow: MailTransport = {
      name: "smtp",
      async send(email) {
        // Another worker reclaims the row while this one is still sending.
        await withService((tx) => tx.query("update public.email_outbox set attempts = attempts + 1 where id = $1", [email.idempotencyKey]));
        return { providerMessageId: "late" };
      },
    };
    const result = await dispatchDueEmails({ transport: slow });
    expect(result.sent).toBe(0);
    expect(await outboxRow(id)).toMatchObject({ status: "sending", provider_message_id: null });
  });
});

describe("other transports", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvForTests();
    resetMailTransportForTests();
  });

  it("writes an .eml file per message when no provider is configured", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mail-"));
    try {
      Object.assign(process.env, { DATA_DIR: dir, SMTP_URL: "", RESEND_API_KEY: "" });
      resetEnvForTests();
      resetMailTransportForTests();
      expect(getMailTransport().name).toBe("file");

      const { id, address } = await queue();
      await dispatchDueEmails({ transport: getMailTransport() });
      const file = path.join(dir, "mail", `${id}.eml`);
      expect(await readdir(path.join(dir, "mail"))).toContain(`${id}.eml`);
      const mail = await simpleParser(await readFile(file));
      expect(to(mail)).toBe(address);
      expect(mail.subject).toContain("ticket #7");
      expect(await outboxRow(id)).toMatchObject({ status: "sent", provider_message_id: `file:${file}` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("chooses Resend over SMTP, and SMTP over files", () => {
    Object.assign(process.env, { SMTP_URL: "smtp://127.0.0.1:2525", RESEND_API_KEY: "" });
    resetEnvForTests();
    expect(getMailTransport().name).toBe("smtp");
    Object.assign(process.env, { RESEND_API_KEY: "re_test" });
    resetEnvForTests();
    resetMailTransportForTests();
    expect(getMailTransport().name).toBe("resend");
  });

  it("sends through Resend with the outbox id as Idempotency-Key", async () => {
    const calls: { path?: string; key?: string; auth?: string; body: Record<string, unknown> }[] = [];
    let status = 200;
    const api: Server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        calls.push({ path: req.url, key: req.headers["idempotency-key"] as string, auth: req.headers.authorization, body: JSON.parse(raw) });
        const body = status === 200 ? { id: `re_${calls.length}` } : { statusCode: status, name: "validation_error", message: "Invalid `to` field." };
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const resend = createResendTransport("re_test_key", { baseUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}` });
      const ok = await queue();
      await dispatchDueEmails({ transport: resend });
      const call = calls.find((c) => (c.body.to as string[])[0] === ok.address)!;
      expect(call).toMatchObject({ path: "/emails", key: ok.id, auth: "Bearer re_test_key" });
      expect(call.body).toMatchObject({ subject: "Acme Cloud Support: your question was answered (ticket #7)" });
      expect(await outboxRow(ok.id)).toMatchObject({ status: "sent", provider_message_id: expect.stringMatching(/^re_\d+$/) });

      status = 422;
      const refused = await queue();
      await dispatchDueEmails({ transport: resend });
      expect(await outboxRow(refused.id)).toMatchObject({ status: "failed", last_error: expect.stringContaining("Invalid `to` field.") });

      status = 503;
      const later = await queue();
      await dispatchDueEmails({ transport: resend });
      expect(await outboxRow(later.id)).toMatchObject({ status: "pending", attempts: 1 });
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
