import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, it } from "vitest";
import { EMAIL_QUEUED_EVENT } from "@/lib/jobs/inngest";
import { sendEmail } from "@/inngest/send-email";
import { closePool } from "@/lib/db/pool";
import { withService, withTenant } from "@/lib/db/tenant";
import { resetEnvForTests } from "@/lib/env";
import { queueEmail } from "@/lib/email/outbox";
import { resetMailTransportForTests } from "@/lib/email/transports";
import { createTestTenant } from "@/tests/support/fixtures";

afterAll(async () => {
  await closePool();
});

describe("send-email Inngest function", () => {
  it("dispatches the outbox when an email/queued event arrives", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "inngest-mail-"));
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { DATA_DIR: dir, SMTP_URL: "", RESEND_API_KEY: "" });
      resetEnvForTests();
      resetMailTransportForTests();
      const tenant = await createTestTenant("inngest-mail");
      const { id } = await withTenant(tenant.owner, (tx) =>
        queueEmail(tx, {
          tenantId: tenant.id,
          to: "visitor@example.com",
          template: "ticket-answered",
          payload: { tenantName: "Acme", ticketNumber: 3, question: "Q?", answer: "A." },
          idempotencyKey: randomUUID(),
        }),
      );

      const engine = new InngestTestEngine({ function: sendEmail, events: [{ name: EMAIL_QUEUED_EVENT, data: {} }] });
      const { result, error } = await engine.execute();
      expect(error).toBeUndefined();
      // Other test files may leave rows of their own in the shared outbox: assert on ours.
      expect(result).toMatchObject({ claimed: expect.any(Number), sent: expect.any(Number) });
      expect(await readdir(path.join(dir, "mail"))).toContain(`${id}.eml`);
      const { rows } = await withService((tx) => tx.query("select status from public.email_outbox where id = $1", [id]));
      expect(rows[0]).toEqual({ status: "sent" });
    } finally {
      process.env = saved;
      resetEnvForTests();
      resetMailTransportForTests();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
