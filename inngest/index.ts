import { createSweepFunction } from "@/inngest/client";
import { ingestDocument, reembedTenantChunks } from "@/inngest/ingest-document";
import { sendEmail } from "@/inngest/send-email";
import { sweeps } from "@/lib/jobs/registry";

/** Every function the app serves at /api/inngest. Append new ones here. */
export const functions = [
  ingestDocument,
  reembedTenantChunks,
  sendEmail,
  ...sweeps.filter((sweep) => !sweep.localOnly).map(createSweepFunction),
];
