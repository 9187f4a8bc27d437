import "server-only";
import { Inngest } from "inngest";
import { env } from "@/lib/env";
import type { Job } from "@/lib/jobs/types";

/** Reads INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY (and INNGEST_DEV for the dev server). */
export const inngest = new Inngest({ id: "support-platform" });

/** The event that runs a job of this name on Inngest. */
export function jobEventName(jobName: string): string {
  return `jobs/${jobName}`;
}

/** Sent after a transaction that queued e-mail commits, so it goes out within seconds. */
export const EMAIL_QUEUED_EVENT = "email/queued";

export interface JobEventData {
  jobId: string;
  tenantId: string;
  idempotencyKey: string;
}

/** The event id is the job id, so Inngest drops a duplicate send of the same job. */
export async function sendJobEvent(job: Job): Promise<void> {
  const data: JobEventData = { jobId: job.id, tenantId: job.tenantId, idempotencyKey: job.idempotencyKey };
  await inngest.send({ id: job.id, name: jobEventName(job.name), data });
}

/**
 * Deployed (INNGEST_EVENT_KEY set), wakes the outbox function at once after a commit that
 * queued e-mail. Locally the runner's sweep sends it; if this send fails, the cron does.
 */
export async function announceQueuedEmail(): Promise<void> {
  if (!env().INNGEST_EVENT_KEY) return;
  await inngest.send({ name: EMAIL_QUEUED_EVENT, data: {} }).catch((error: Error) => {
    console.error("[email] could not send the email/queued event; the cron will send it:", error.message);
  });
}
