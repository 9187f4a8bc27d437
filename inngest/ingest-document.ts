import { createJobFunction } from "@/inngest/job-functions";
import { INGEST_SOURCE_JOB } from "@/lib/rag/ingest-job";
import { REEMBED_TENANT_JOB } from "@/lib/rag/reembed";

/** Ingests one version of a document (lib/rag/ingest.ts); at most 2 per tenant at once. */
export const ingestDocument = createJobFunction(INGEST_SOURCE_JOB, {
  id: "ingest-document",
  perTenantConcurrency: 2,
  retries: 4,
});

/** Re-embeds a tenant's chunks after an embedding model change; one per tenant at once. */
export const reembedTenantChunks = createJobFunction(REEMBED_TENANT_JOB, {
  id: "reembed-tenant",
  perTenantConcurrency: 1,
  retries: 4,
});
