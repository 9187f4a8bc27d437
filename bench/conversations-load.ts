/**
 * Many concurrent widget conversations against a production build (`next start`), five
 * minutes by default: errors, time to first byte and to first text per kind of request,
 * the live event streams, and whether the server's memory stays flat.
 *
 * What each of `--conversations` simulated visitors does, as the widget does
 * (components/widget): opens a conversation with its tenant's widget key (POST
 * /chat/session), loads the history (GET /chat/history), keeps the live events stream
 * open (GET /chat/events, SSE, after the last message), then takes 3–8 steps with
 * `--think` seconds between them (seeded, uniform), reads the last answer, closes the
 * stream and leaves; a new visitor (a new conversation, of a random tenant) takes its
 * place. Each step is drawn from this mix:
 *   30 % an exact repeat of a cached question: the cached answer, exactly;
 *   20 % a paraphrase of a cached question (checked beforehand: nearest to that entry, by
 *        exhaustive search, and above the threshold): that answer, or one the agent
 *        cached meanwhile;
 *   20 % a question from the tenant's knowledge base: answered (offline answerer, no API
 *        key, or the cache) or handed over;
 *    8 % an off-topic question (checked below the threshold): never a seeded cached
 *        answer; answered or handed over;
 *   12 % small talk: the small-talk reply;
 *    3 % "Talk to a person" (POST /chat/handover): 201, or 200 with a ticket already open;
 *    7 % a page change: the stream closes, the kept token resumes the same conversation
 *        (POST /chat/session → 200, same id), the history is fetched again (it must hold
 *        every question sent and every answer received) and the stream reopens after it.
 * Once the conversation is with the humans (an escalation or a hand-over) the visitor
 * sends one follow-up half the time (it must go to the ticket: waiting_for_agent, no
 * assistant text) and leaves. Every answer's stored message must also arrive on the
 * visitor's event stream within 5 s.
 *
 * Errors: any non-2xx response, connection error or timeout (60 s); a chat stream that
 * ends without an answer or a hand-over; a wrong answer (another entry's, another
 * tenant's, a seeded answer to an off-topic question, not the small-talk reply); a
 * resumed session of another conversation; a history missing a question or an answer;
 * an event stream that fails to open, is ended by the server, or misses a stored answer.
 *
 * Measured inside the window after `--warmup` (requests that start in it), per kind:
 * count, errors, time to first byte (response headers; a stream's first body chunk), to
 * the answer's first text and to the end, p50/p90/p95/p99/max; live delivery lag (answer
 * streamed → the same message on the event stream); event streams open (client side each
 * second; the database's leases every 5 s, and none may remain once all are closed);
 * the server's RSS (process tree, each second): its least-squares slope over the second
 * half of the window (caches and JIT fill up early: a leak is what still grows) and its
 * lowest value in each quarter of the window (garbage collection makes RSS a staircase or
 * a sawtooth: the floors show which); its CPU (cores busy); and GET /api/health once a
 * second (event-loop and pool delay).
 * Pass: no error, no lease left, and, on windows of 4 minutes or more (shorter ones are
 * reported, not judged: V8 may still be growing its heap to its working size), an RSS
 * slope of at most 5 MB/min over the second half.
 *
 * Setup: `--tenants` tenants, each with a demo knowledge base (acme or globex, indexed by
 * the product's ingestion) and `--entries` human-approved cached answers, embedded by the
 * configured embedder (no OpenAI key: the local one). The abuse limits are raised for the
 * load (eval/lib/no-limits.ts, LOAD_TEST_LIMITS): the per-conversation and per-tenant ones
 * are still counted in the database on every question and session but out of reach; the
 * per-address ones are off (every visitor comes from this one address). The load
 * generator, the server and the database share the machine; the load average is recorded.
 *
 *   npm run bench:load -- [--conversations 200] [--duration 300] [--warmup 60] [--think 2-8] [--tenants 4]
 */
import pg from "pg";
import { z } from "zod";
import { getEmbedder } from "@/lib/ai/embeddings";
import { classifySmallTalk } from "@/lib/chat/small-talk";
import { numberFlag, parseCommandLine } from "@/eval/lib/args";
import { expectedAnswer } from "@/eval/lib/cache-seed";
import { onCleanup, runCli, wasInterrupted } from "@/eval/lib/lifecycle";
import { LoadRecorder, percentiles } from "@/eval/lib/load-recorder";
import { judgeReply, type AskKind } from "@/eval/lib/load-replies";
import { prepareLoadTenants, type LoadTenant } from "@/eval/lib/load-tenants";
import { LOAD_TEST_LIMITS } from "@/eval/lib/no-limits";
import { treeRssMb } from "@/eval/lib/process-memory";
import { seededRandom } from "@/eval/lib/random";
import { buildFlag, emitResult } from "@/eval/lib/result";
import { startRunDatabase } from "@/eval/lib/run-database";
import { coresBusy, monitorServer, quarterFloors } from "@/eval/lib/server-monitor";
import { ensureProductionBuild, startProductionServer } from "@/eval/lib/server";
import { linearSlope, round } from "@/eval/lib/stats";
import { askQuestion, fetchHistory, LiveEvents, requestHandover, startSession } from "@/eval/lib/widget-visitor";

const USAGE = `Usage: npm run bench:load -- [options]
  --conversations N  concurrent visitors, each in a conversation of its own (default 200)
  --duration S       measured seconds (default 300), after --warmup S (default 60)
  --think MIN-MAX    seconds a visitor waits between steps, uniform (default 2-8)
  --tenants N        tenants the visitors are spread over (default 4)
  --entries N        cached answers per tenant (default 1000)
  --seed N           seed of the visitors' choices (default 1)
  --build MODE       auto (rebuild when sources changed), always or never (default auto)`;

const thinkFlag = z
  .string()
  .transform((text, ctx) => {
    const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text.trim());
    const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!match || min > max) {
      ctx.addIssue({ code: "custom", message: "must be MIN-MAX seconds, e.g. 2-8" });
      return z.NEVER;
    }
    return { min, max };
  })
  .default({ min: 2, max: 8 });

const flags = z.object({
  conversations: numberFlag({ int: true, min: 1, max: 2_000 }).default(200),
  duration: numberFlag({ min: 1 }).default(300),
  warmup: numberFlag({ min: 0 }).default(60),
  think: thinkFlag,
  tenants: numberFlag({ int: true, min: 1, max: 50 }).default(4),
  entries: numberFlag({ int: true, min: 10, max: 100_000 }).default(1000),
  seed: numberFlag({ int: true, min: 0 }).default(1),
  build: buildFlag,
});

const STEPS = { min: 3, max: 8 };
type Step = "exact" | "paraphrase" | "kb" | "off_topic" | "small_talk" | "handover" | "page_change";
const MIX: Array<[Step, number]> = [
  ["exact", 0.3],
  ["paraphrase", 0.2],
  ["kb", 0.2],
  ["off_topic", 0.08],
  ["small_talk", 0.12],
  ["handover", 0.03],
  ["page_change", 0.07],
];
const SMALL_TALK = ["hi", "Hello there", "thanks!", "ok", "Thank you so much", "bye", "good morning", "cool", "asdfgh"];
const FOLLOW_UPS = ["Any news on this?", "My order number is 4711.", "Is someone there?", "I will wait, thanks for checking."];
/** A stored answer must reach the visitor's event stream this soon after it was streamed. */
const LIVE_DEADLINE_MS = 5_000;
const RSS_FLAT_MB_PER_MIN = 5;
/** Shorter windows report RSS without judging it. */
const RSS_JUDGED_FROM_S = 240;

interface Conversation {
  tenant: LoadTenant;
  token: string;
  conversationId: string;
  events: LiveEvents | null;
  /** Stored answer id → when it was streamed, until it is seen on the event stream. */
  pendingLive: Map<string, number>;
  answerIds: Set<string>;
  questions: number;
  withHumans: boolean;
}

const pick = <T,>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)];

function pickStep(random: () => number): Step {
  let r = random();
  for (const [step, share] of MIX) if ((r -= share) < 0) return step;
  return "exact";
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), flags);
  if (process.platform !== "linux") throw new Error("bench:load reads /proc and runs on Linux only.");
  for (const text of SMALL_TALK) if (!classifySmallTalk(text)) throw new Error(`"${text}" is not small talk.`);
  delete process.env.OPENAI_API_KEY; // the default local embedder, here and in the server
  delete process.env.OPENAI_BASE_URL;
  await ensureProductionBuild(args.build);
  const db = await startRunDatabase("bench", { separateProcess: true });
  const tenants = await prepareLoadTenants({ tenants: args.tenants, entries: args.entries, adminUrl: db.adminUrl });
  const embedder = getEmbedder().modelId;

  const server = await startProductionServer("conversations-load", { ...db.env, ...LOAD_TEST_LIMITS });
  const admin = db.adminUrl ? new pg.Client({ connectionString: db.adminUrl }) : null;
  if (admin) {
    await admin.connect();
    onCleanup(() => admin.end());
  }
  const leases = admin
    ? async () => (await admin.query<{ n: number }>("select count(*)::int as n from app.live_streams where expires_at > clock_timestamp()")).rows[0].n
    : undefined;
  const idleMb = treeRssMb(server.pid);

  const start = performance.now();
  const windowStart = start + args.warmup * 1000;
  const endAt = windowStart + args.duration * 1000;
  const recorder = new LoadRecorder({ start: windowStart, end: endAt });
  const liveLag: number[] = [];
  let openStreams = 0;
  let visits = 0;
  let resent = 0;
  const stopped = () => performance.now() >= endAt || wasInterrupted();
  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, endAt - performance.now()))));
  const monitor = monitorServer({ pid: server.pid, url: server.url, start, openStreams: () => openStreams, leases });

  const openEvents = async (conv: Conversation, after: string | null) => {
    const startedAt = performance.now();
    const events = new LiveEvents(server.url, conv.token, after);
    const opened = await events.opened;
    recorder.record("events_open", startedAt, { ok: opened.error === null, ttfbMs: opened.ttfbMs, totalMs: opened.totalMs, error: opened.error });
    if (opened.error) return;
    openStreams++;
    conv.events = events;
    void events.ended.then((reason) => {
      openStreams--;
      if (reason && recorder.inWindow(performance.now())) recorder.countError("events_open", reason);
    });
  };

  /** Every streamed answer must have reached the event stream: waits up to the deadline. */
  const checkLive = async (conv: Conversation) => {
    const events = conv.events;
    if (!events || conv.pendingLive.size === 0) return;
    const latest = Math.max(...conv.pendingLive.values());
    await events.waitFor([...conv.pendingLive.keys()], latest + LIVE_DEADLINE_MS);
    for (const [id, streamedAt] of conv.pendingLive) {
      if (!recorder.inWindow(streamedAt)) continue;
      const arrived = events.arrived.get(id);
      if (arrived !== undefined) liveLag.push(Math.max(0, arrived - streamedAt));
      if (arrived === undefined || arrived - streamedAt > LIVE_DEADLINE_MS) recorder.countError("live", "a stored answer did not arrive on the event stream within 5 s");
    }
    conv.pendingLive.clear();
  };

  const ask = async (conv: Conversation, kind: AskKind, text: string, expected?: string) => {
    const startedAt = performance.now();
    const exchange = await askQuestion(server.url, conv.token, text);
    const verdict = judgeReply(kind, exchange, conv.tenant.index, expected);
    const reply = exchange.body;
    recorder.record(`ask_${kind}`, startedAt, {
      ok: verdict.error === null,
      ttfbMs: exchange.ttfbMs,
      firstTextMs: reply?.firstTextMs ?? null,
      totalMs: exchange.totalMs,
      error: verdict.error,
      outcome: verdict.outcome,
    });
    if (exchange.status === 200) conv.questions++;
    const messageId = reply?.metadata.messageId;
    if (typeof messageId === "string") {
      conv.answerIds.add(messageId);
      conv.pendingLive.set(messageId, performance.now());
    }
    if (verdict.outcome === "escalated" || verdict.outcome === "handed_over") conv.withHumans = true;
  };

  const handover = async (conv: Conversation) => {
    const startedAt = performance.now();
    const exchange = await requestHandover(server.url, conv.token);
    const message = exchange.body?.message;
    const outcome = exchange.body ? (message ? "ticket_opened" : "ticket_already_open") : null;
    recorder.record("handover", startedAt, { ok: exchange.error === null, ttfbMs: exchange.ttfbMs, totalMs: exchange.totalMs, error: exchange.error, outcome });
    if (message) {
      conv.answerIds.add(message.id);
      conv.pendingLive.set(message.id, performance.now());
    }
    if (exchange.body) conv.withHumans = true;
  };

  /** What the widget does when it loads: the history, then the live stream after it. */
  const loadWidget = async (conv: Conversation) => {
    const startedAt = performance.now();
    const history = await fetchHistory(server.url, conv.token);
    let error = history.error;
    if (history.body) {
      const ids = new Set(history.body.messages.map((m) => m.id));
      const asked = history.body.messages.filter((m) => m.senderType === "user").length;
      if (asked < conv.questions || [...conv.answerIds].some((id) => !ids.has(id))) error = "the history misses a question or an answer";
    }
    recorder.record("history", startedAt, { ok: error === null, ttfbMs: history.ttfbMs, totalMs: history.totalMs, error });
    await openEvents(conv, history.body?.messages.at(-1)?.id ?? null);
  };

  const closeEvents = async (conv: Conversation) => {
    await checkLive(conv);
    const events = conv.events;
    if (!events) return;
    events.close();
    await events.ended;
    conv.events = null;
    if (!recorder.inWindow(performance.now())) return;
    resent += events.duplicates;
    if (events.duplicates > 0) recorder.countError("live", "the stream sent a message again");
  };

  const pageChange = async (conv: Conversation) => {
    await closeEvents(conv);
    const startedAt = performance.now();
    const resumed = await startSession(server.url, conv.tenant.widgetKey, conv.token);
    const same = resumed.body?.resumed === true && resumed.body.conversationId === conv.conversationId;
    const error = resumed.error ?? (same ? null : "the kept token did not resume its conversation");
    recorder.record("resume", startedAt, { ok: error === null, ttfbMs: resumed.ttfbMs, totalMs: resumed.totalMs, error });
    if (!resumed.body || !same) return false;
    conv.token = resumed.body.token;
    await loadWidget(conv);
    return true;
  };

  const visit = async (random: () => number, think: () => Promise<void>) => {
    const tenant = pick(tenants, random);
    const startedAt = performance.now();
    if (recorder.inWindow(startedAt)) visits++;
    const session = await startSession(server.url, tenant.widgetKey);
    recorder.record("session", startedAt, { ok: session.error === null, ttfbMs: session.ttfbMs, totalMs: session.totalMs, error: session.error });
    if (!session.body) return think();
    const conv: Conversation = { tenant, token: session.body.token, conversationId: session.body.conversationId, events: null, pendingLive: new Map(), answerIds: new Set(), questions: 0, withHumans: false };
    await loadWidget(conv);
    const steps = STEPS.min + Math.floor(random() * (STEPS.max - STEPS.min + 1));
    for (let i = 0; i < steps && !stopped(); i++) {
      await think();
      if (stopped()) break;
      if (conv.withHumans) {
        if (random() < 0.5) await ask(conv, "follow_up", pick(FOLLOW_UPS, random));
        break;
      }
      const step = pickStep(random);
      if (step === "exact" || step === "paraphrase") {
        const query = pick(tenant[step], random);
        await ask(conv, step, query.text, expectedAnswer(tenant.index, query.expected!));
      } else if (step === "kb") await ask(conv, "kb", pick(tenant.kb, random));
      else if (step === "off_topic") await ask(conv, "off_topic", pick(tenant.offTopic, random));
      else if (step === "small_talk") await ask(conv, "small_talk", pick(SMALL_TALK, random));
      else if (step === "handover") await handover(conv);
      else if (!(await pageChange(conv))) break;
    }
    if (!stopped()) await think(); // reads the last answer
    await closeEvents(conv);
  };

  console.error(`Load: ${args.conversations} conversations over ${args.tenants} tenants, think ${args.think.min}–${args.think.max} s, ${args.duration} s (+${args.warmup} s warm-up)…`);
  const ramp = Math.min(args.warmup, 20) * 1000;
  await Promise.all(
    Array.from({ length: args.conversations }, async (_v, slot) => {
      const random = seededRandom(args.seed * 100_003 + slot);
      const think = () => pause((args.think.min + random() * (args.think.max - args.think.min)) * 1000);
      await pause((slot / args.conversations) * ramp);
      while (!stopped()) await visit(random, think);
    }),
  );
  const samples = monitor.stop();
  if (wasInterrupted()) return;

  // Every stream is closed: its lease must be gone (released at once, not left to expire).
  let leasesLeft: number | null = null;
  if (leases) {
    const deadline = Date.now() + 10_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      leasesLeft = await leases();
    } while (leasesLeft > 0 && Date.now() < deadline);
  }
  await server.stop();

  const from = args.warmup;
  const to = args.warmup + args.duration;
  const inside = <T extends [number, number]>(series: T[]) => series.filter(([t]) => t >= from && t <= to);
  const rss = inside(samples.rss);
  const slope = linearSlope(rss.slice(Math.floor(rss.length / 2)));
  const growth = slope === null ? null : round(slope * 60, 2);
  const rssFlat = args.duration < RSS_JUDGED_FROM_S || growth === null ? null : growth <= RSS_FLAT_MB_PER_MIN;
  const streams = inside(samples.openStreams).map(([, n]) => n);
  const byKind = recorder.summary(args.duration);
  const questions = Object.entries(byKind).filter(([kind]) => kind.startsWith("ask_")).reduce((n, [, k]) => n + k.count, 0);
  const errors = recorder.errors;
  emitResult({
    name: "conversations-load",
    database: db.kind,
    embedder,
    tenants: args.tenants,
    entries_per_tenant: args.entries,
    conversations: args.conversations,
    think_s: `${args.think.min}-${args.think.max}`,
    warmup_s: args.warmup,
    duration_s: args.duration,
    limits: "per conversation and per tenant: 1,000,000 (counted, out of reach); per address: off",
    visits,
    requests: recorder.requests,
    requests_per_s: round(recorder.requests / args.duration),
    questions,
    questions_per_s: round(questions / args.duration),
    errors,
    error_reasons: recorder.errorReasons(),
    by_kind: byKind,
    live: {
      delivered: liveLag.length,
      sent_again: resent,
      lag_ms: percentiles(liveLag),
      streams_open_min: streams.length ? Math.min(...streams) : null,
      streams_open_max: streams.length ? Math.max(...streams) : null,
      leases_max: samples.leases.length ? Math.max(...samples.leases.map(([, n]) => n)) : null,
      leases_left_after_close: leasesLeft,
    },
    health_ms: percentiles(inside(samples.health).map(([, ms]) => ms)),
    health_errors: samples.healthErrors,
    server_cpu_cores: round(coresBusy(samples.cpu, from, to), 2),
    rss_idle_mb: round(idleMb),
    rss_after_warmup_mb: round(rss[0]?.[1] ?? null),
    rss_peak_mb: round(rss.length ? Math.max(...rss.map(([, mb]) => mb)) : null),
    rss_end_mb: round(rss.at(-1)?.[1] ?? null),
    rss_growth_second_half_mb_per_min: growth,
    rss_lowest_by_quarter_mb: quarterFloors(rss, from, to).map((mb) => round(mb) ?? "–").join(" / "),
    rss_flat: rssFlat,
    rss_flat_target_mb_per_min: RSS_FLAT_MB_PER_MIN,
    pass: errors === 0 && (leasesLeft ?? 0) === 0 && rssFlat !== false,
    rss_samples: samples.rss.map(([t, mb]) => [round(t), round(mb)]),
    open_streams_samples: samples.openStreams.map(([t, n]) => [round(t), n]),
  });
}

runCli(USAGE, main);
