import "server-only";
import { createHash } from "node:crypto";
import { Index } from "@upstash/vector";
import { z } from "zod";
import type { Citation } from "@/lib/ai/retrieval-types";
import type { CacheSource } from "@/lib/cache/port";

/** What each vector carries; expiry and timestamps are epoch milliseconds so filters can compare them. */
export interface UpstashEntryMetadata {
  [key: string]: unknown;
  tenant_id: string;
  question: string;
  question_key: string;
  answer: string;
  source: CacheSource;
  citations: Citation[];
  source_ids: string[];
  confidence: number | null;
  ticket_id: string | null;
  embedding_model: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
  hits: number;
  last_hit_at: number | null;
  approved_by?: string | null;
  approved_at?: number | null;
}

export interface UpstashCacheConfig {
  url: string;
  token: string;
  /** The cache sits on the chat's critical path: fail fast and fall back to a miss. */
  timeoutMs?: number;
  retries?: number;
}

export type UpstashIndex = Index<UpstashEntryMetadata>;

// Values spliced into filter strings are validated, never escaped: a quote cannot get in.
const uuid = z.string().uuid();

export function namespaceFor(tenantId: string): string {
  return `tenant:${uuid.parse(tenantId)}`;
}

export function tenantFilter(tenantId: string): string {
  return `tenant_id = '${uuid.parse(tenantId)}'`;
}

/** A stable, UUID-shaped id per question (name-based, like UUIDv5), so a rewrite upserts in place. */
export function entryIdFor(questionKey: string): string {
  const hash = createHash("sha1").update(questionKey).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createUpstashIndex(config: UpstashCacheConfig): UpstashIndex {
  const timeoutMs = config.timeoutMs ?? 2000;
  return new Index<UpstashEntryMetadata>({
    url: config.url,
    token: config.token,
    enableTelemetry: false,
    retry: { retries: config.retries ?? 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
