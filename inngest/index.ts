import { createSweepFunction } from "@/inngest/job-functions";
import { ingestDocument, reembedTenantChunks } from "@/inngest/ingest-document";
import { sendEmail } from "@/inngest/send-email";
import { jobCatalog } from "@/lib/flows/background-jobs";

/** Every function the app serves at /api/inngest. Append new ones here. */
export const functions = [
  ingestDocument,
  reembedTenantChunks,
  sendEmail,
  ...jobCatalog.sweeps.filter((sweep) => !sweep.localOnly).map(createSweepFunction),
];
