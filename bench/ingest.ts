/**
 * npm run bench:ingest: end-to-end ingestion throughput (upload -> job -> extract ->
 * chunk -> embed -> store -> ready) with the configured embedder (offline by default),
 * and the process's peak memory while ingesting a 200-page PDF written by bench/pdf-writer.
 * A 50-page PDF runs first: if ingestion streams, the 200-page peak is not 4x higher.
 * Targets: at least 200 chunks/s, bounded memory. Runs on a throwaway database of the
 * PostgreSQL named by TEST_ADMIN_DATABASE_URL (or DATABASE_ADMIN_URL), else in-memory PGlite.
 */
import { z } from "zod";
import { parseCommandLine } from "@/eval/lib/args";
import { createTextGenerator } from "@/eval/lib/corpus";
import { runCli } from "@/eval/lib/lifecycle";
import { emitResult } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { createRunTenant } from "@/eval/lib/tenants";
import { buildPdf } from "@/bench/pdf-writer";
import { getEmbedder } from "@/lib/ai/embeddings";
import { systemClaims } from "@/lib/db/claims";
import { withTenant } from "@/lib/db/tenant";
import { runJobsUntilIdle } from "@/lib/flows/background-jobs";
import { addFileSource } from "@/lib/rag/add-source";
import { extractText } from "@/lib/rag/extract";
import { getSource } from "@/lib/rag/sources";

const LINES_PER_PAGE = 48;
const MB = 1024 * 1024;
const TARGET_CHUNKS_PER_S = 200;

const USAGE = `Usage: npm run bench:ingest
  (no options: a 50-page and a 200-page PDF, with the configured embedder)`;

const flags = z.object({});

function writePdf(pages: number, seed: number): Uint8Array {
  const text = createTextGenerator(seed, 5_000);
  const content: string[][] = [];
  for (let p = 0; p < pages; p++) {
    const words = text.paragraph(LINES_PER_PAGE * 12).split(" ");
    const lines: string[] = [`Chapter ${p + 1}`];
    for (let i = 0; i < words.length; i += 12) lines.push(words.slice(i, i + 12).join(" "));
    content.push(lines);
  }
  return buildPdf(content, { title: `Handbook of ${pages} pages` });
}

/** Samples RSS and heap every 10 ms while fn runs; reports the peaks above the start. */
async function withMemoryPeak<T>(fn: () => Promise<T>): Promise<{ result: T; rssPeakMb: number; heapPeakMb: number; rssStartMb: number }> {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, 10);
  try {
    const result = await fn();
    return { result, rssPeakMb: (rss - start.rss) / MB, heapPeakMb: (heap - start.heapUsed) / MB, rssStartMb: start.rss / MB };
  } finally {
    clearInterval(timer);
  }
}

async function ingest(tenantId: string, pages: number) {
  const claims = systemClaims(tenantId);
  const pdf = writePdf(pages, pages);
  const t0 = performance.now();
  await extractText({ kind: "pdf", data: pdf });
  const extractMs = performance.now() - t0;
  const { result, rssPeakMb, heapPeakMb, rssStartMb } = await withMemoryPeak(async () => {
    const started = performance.now();
    const { source } = await withTenant(claims, (tx) =>
      addFileSource(tx, { tenantId, userId: null, kind: "pdf", fileName: `handbook-${pages}.pdf`, mimeType: "application/pdf", data: pdf }),
    );
    const run = await runJobsUntilIdle();
    const elapsed = performance.now() - started;
    const ready = await withTenant(claims, (tx) => getSource(tx, source.id));
    if (run.failed || ready?.status !== "ready") throw new Error(`Ingestion failed: ${ready?.error ?? JSON.stringify(run)}`);
    return { chunks: ready.chunksTotal, elapsed };
  });
  const row = {
    pdf_mb: Math.round((pdf.length / MB) * 100) / 100,
    chunks: result.chunks,
    end_to_end_s: Math.round(result.elapsed / 10) / 100,
    chunks_per_s: Math.round(result.chunks / (result.elapsed / 1000)),
    extract_only_s: Math.round(extractMs / 10) / 100,
    rss_at_start_mb: Math.round(rssStartMb),
    peak_rss_over_start_mb: Math.round(rssPeakMb),
    peak_heap_over_start_mb: Math.round(heapPeakMb),
  };
  console.error(`  ${pages} pages: ${JSON.stringify(row)}`);
  return row;
}

async function main() {
  parseCommandLine(process.argv.slice(2), flags);
  const db = await startRunDatabase("bench", { separateProcess: true });
  console.error(`bench:ingest on ${db.kind} with ${getEmbedder().modelId}`);
  const tenant = await createRunTenant("bench", { name: "ingest bench" });
  const small = await ingest(tenant.id, 50);
  const large = await ingest(tenant.id, 200);
  emitResult({
    database: db.kind,
    embedder: getEmbedder().modelId,
    pages_50: small,
    pages_200: large,
    chunks_per_s: large.chunks_per_s,
    peak_rss_over_start_mb: large.peak_rss_over_start_mb,
    target_chunks_per_s: TARGET_CHUNKS_PER_S,
    pass: large.chunks_per_s >= TARGET_CHUNKS_PER_S,
  });
}

runCli(USAGE, main);
