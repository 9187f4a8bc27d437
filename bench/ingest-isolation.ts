/**
 * npm run bench:ingest-isolation: do other tenants stay responsive while a big PDF is
 * indexed? On a production build, a bystander tenant's visitors ask cached questions and
 * a health probe polls /api/health, first with nothing else going on (baseline), then
 * while another tenant's staff member uploads a `--pages`-page PDF through the real API
 * and the app's own job runner indexes it. Reports p50/p99 of both request kinds in
 * both phases. Targets during ingestion: /api/health p99 < 100 ms, cache hit p99 < 250 ms.
 *
 *   npm run bench:ingest-isolation -- [--pages 2000] [--warmup 5] [--baseline 10] [--clients 2] [--timeout 600]
 */
import { z } from "zod";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { seededRandom } from "@/eval/lib/random";
import { withService } from "@/lib/db/tenant";
import { createStaffMember } from "@/lib/tenants/provision";
import { createTextGenerator } from "@/eval/lib/corpus";
import { expectedAnswer, seedManyCaches, syntheticQuestions } from "@/eval/lib/cache-seed";
import { runCli, wasInterrupted } from "@/eval/lib/lifecycle";
import { askStream, openSession, type ChatSession } from "@/eval/lib/load";
import { buildFlag, emitResult, latencyJson } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { NO_CHAT_LIMITS } from "@/eval/lib/no-limits";
import { ensureProductionBuild, startProductionServer } from "@/eval/lib/server";
import { createRunTenant } from "@/eval/lib/tenants";
import { buildPdf } from "./pdf-writer";

const USAGE = `Usage: npm run bench:ingest-isolation -- [options]
  --pages N        pages of the uploaded PDF (default 2000)
  --warmup S       seconds of load before measuring, not counted (default 5)
  --baseline S     seconds measured before the upload (default 10)
  --clients N      concurrent cache-hit visitors, and as many health probes (default 2)
  --timeout S      give up if indexing takes longer (default 600)
  --build MODE     auto (rebuild when sources changed), always or never (default auto)`;

const flags = z.object({
  pages: numberFlag({ int: true, min: 1, max: 20_000 }).default(2_000),
  warmup: numberFlag({ min: 0 }).default(5),
  baseline: numberFlag({ min: 1 }).default(10),
  clients: numberFlag({ int: true, min: 1, max: 64 }).default(2),
  timeout: numberFlag({ min: 10 }).default(600),
  build: buildFlag,
});

const CACHE_ENTRIES = 200;
const TARGET_HEALTH_P99_MS = 100;
const TARGET_CACHE_HIT_P99_MS = 250;
const LINES_PER_PAGE = 48;

interface Samples {
  health: number[];
  hit: number[];
  errors: number;
  wrong: number;
}

function writePdf(pages: number): Uint8Array {
  const text = createTextGenerator(11, 5_000);
  const content: string[][] = [];
  for (let p = 0; p < pages; p++) {
    const words = text.paragraph(LINES_PER_PAGE * 12).split(" ");
    const lines = [`Chapter ${p + 1}`];
    for (let i = 0; i < words.length; i += 12) lines.push(words.slice(i, i + 12).join(" "));
    content.push(lines);
  }
  return buildPdf(content, { title: `Manual of ${pages} pages`, compress: true });
}

/** Closed-loop health probes and cache-hit visitors until `done` resolves. */
async function measureUntil(url: string, sessions: ChatSession[], questions: string[], done: Promise<unknown>): Promise<Samples> {
  const samples: Samples = { health: [], hit: [], errors: 0, wrong: 0 };
  let stopped = false;
  void done.finally(() => (stopped = true));
  const random = seededRandom(3);
  const probe = async () => {
    while (!stopped && !wasInterrupted()) {
      const started = performance.now();
      const response = await fetch(`${url}/api/health`).catch(() => null);
      await response?.arrayBuffer();
      if (response?.ok) samples.health.push(performance.now() - started);
      else samples.errors++;
    }
  };
  const visitor = async (session: ChatSession) => {
    while (!stopped && !wasInterrupted()) {
      const i = Math.floor(random() * questions.length);
      const reply = await askStream(url, session, questions[i], expectedAnswer(0, i));
      if (reply.kind === "hit") samples.hit.push(reply.firstTextMs ?? reply.totalMs);
      else if (reply.kind === "wrong") samples.wrong++;
      else samples.errors++;
    }
  };
  await Promise.all([...sessions.map(() => probe()), ...sessions.map((s) => visitor(s))]);
  return samples;
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  delete process.env.OPENAI_API_KEY; // the offline embedder, here and in the server
  delete process.env.OPENAI_BASE_URL;
  await ensureProductionBuild(args.build);
  const db = await startRunDatabase("bench", { separateProcess: true });
  const bystander = await createRunTenant("bench", { name: "Bystander" });
  const uploader = await createRunTenant("bench", { name: "Uploader" });
  const email = `owner@${uploader.slug}.test`;
  const password = `bench-${uploader.id}`;
  await withService((tx) => createStaffMember(tx, { tenantId: uploader.id, email, password, role: "owner" }));
  console.error(`Seeding ${CACHE_ENTRIES} cached answers for the bystander (${db.kind})…`);
  await seedManyCaches([{ id: bystander.id, index: 0, entries: CACHE_ENTRIES }], { adminUrl: db.adminUrl, log: (m) => console.error(m) });
  const questions = syntheticQuestions(CACHE_ENTRIES, 1);
  console.error(`Writing a ${args.pages}-page PDF…`);
  const pdf = writePdf(args.pages);

  const server = await startProductionServer("ingest-isolation", { ...db.env, CHAT_RATE_LIMIT_PER_MINUTE: "0", ...NO_CHAT_LIMITS });
  const sessions = await Promise.all(Array.from({ length: args.clients }, () => openSession(server.url, bystander.widgetKey)));
  const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!signIn.ok) throw new Error(`sign-in: HTTP ${signIn.status} ${await signIn.text()}`);
  const { token } = (await signIn.json()) as { token: string };

  const elapse = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  // A fresh server compiles and caches on its first requests: not what the baseline is about.
  await measureUntil(server.url, sessions, questions, elapse(args.warmup));
  console.error(`Baseline: ${args.baseline} s…`);
  const baseline = await measureUntil(server.url, sessions, questions, elapse(args.baseline));

  console.error(`Uploading ${(pdf.length / 1024 / 1024).toFixed(1)} MB, ${args.pages} pages, and measuring until it is indexed…`);
  const ingestStarted = performance.now();
  const form = new FormData();
  form.append("file", new File([Buffer.from(pdf)], "manual.pdf", { type: "application/pdf" }));
  const upload = await fetch(`${server.url}/api/documents`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
  if (upload.status !== 202) throw new Error(`upload: HTTP ${upload.status} ${await upload.text()}`);
  const sourceId = ((await upload.json()) as { documents: Array<{ id: string }> }).documents[0].id;
  const indexed = (async () => {
    const deadline = performance.now() + args.timeout * 1000;
    for (;;) {
      const response = await fetch(`${server.url}/api/documents/${sourceId}`, { headers: { authorization: `Bearer ${token}` } });
      const { document } = (await response.json()) as { document: { status: string; error: string | null; chunksTotal: number } };
      if (document.status === "ready" || document.status === "failed") return document;
      if (performance.now() > deadline || wasInterrupted()) return { ...document, status: "timeout" };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  const during = await measureUntil(server.url, sessions, questions, indexed);
  const result = await indexed;
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;

  const duringHealth = latencyJson(during.health);
  const duringHit = latencyJson(during.hit);
  emitResult({
    name: "ingest-isolation",
    database: db.kind,
    pages: args.pages,
    pdf_mb: Math.round((pdf.length / 1024 / 1024) * 10) / 10,
    clients: args.clients,
    ingest_status: result.status,
    ingest_error: result.error,
    chunks: result.chunksTotal,
    ingest_s: Math.round(ingestSeconds * 10) / 10,
    baseline: { health_ms: latencyJson(baseline.health), cache_hit_first_text_ms: latencyJson(baseline.hit), errors: baseline.errors, wrong: baseline.wrong },
    during_ingest: { health_ms: duringHealth, cache_hit_first_text_ms: duringHit, errors: during.errors, wrong: during.wrong },
    targets: { health_p99_ms: TARGET_HEALTH_P99_MS, cache_hit_p99_ms: TARGET_CACHE_HIT_P99_MS },
    pass:
      result.status === "ready" &&
      during.errors === 0 &&
      during.wrong === 0 &&
      (duringHealth.p99 ?? Infinity) < TARGET_HEALTH_P99_MS &&
      (duringHit.p99 ?? Infinity) < TARGET_CACHE_HIT_P99_MS,
  });
}

runCli(USAGE, main);
