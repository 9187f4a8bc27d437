import "server-only";
import { EMAIL_QUEUED_EVENT, inngest } from "@/lib/jobs/inngest";
import { dispatchDueEmails } from "@/lib/email/dispatch";

/**
 * Deployed, the outbox is drained by Inngest: at once on "email/queued", and every minute
 * by cron for retries, leases of crashed workers, and events that were never sent. The
 * dispatcher is safe to run concurrently (rows are claimed with skip locked), so no
 * singleton is needed. E-mail retries are the outbox's own (backoff, attempts), so a
 * failed run is only retried when dispatching itself failed (e.g. the database).
 */
export const sendEmail = inngest.createFunction(
  {
    id: "send-email",
    triggers: [{ event: EMAIL_QUEUED_EVENT }, { cron: "* * * * *" }],
    retries: 2,
  },
  async ({ step }) => step.run("dispatch-due-emails", () => dispatchDueEmails({ limit: 50 })),
);
