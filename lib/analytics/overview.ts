import "server-only";
import { z } from "zod";
import type { Tx } from "@/lib/db/tenant";

export const analyticsRangeSchema = z.coerce.number().int().min(1).max(365).catch(30);

export interface DayStats {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  conversations: number;
  questions: number;
  aiAnswers: number;
  cacheAnswers: number;
  escalations: number;
  resolved: number;
  medianResolutionSeconds: number | null;
  /** Median time to first token of the day's generated answers (ms). */
  medianTtftMs: number | null;
}

/** How fast generated answers came: time to first token and output tokens per second. */
export interface AnswerSpeed {
  /** Answers with a recorded time to first token. */
  timed: number;
  medianTtftMs: number | null;
  p90TtftMs: number | null;
  /** Over the answers whose model writes token by token (the offline answerer does not). */
  medianTokensPerSecond: number | null;
}

export interface AnalyticsTotals {
  conversations: number;
  questions: number;
  aiAnswers: number;
  cacheAnswers: number;
  escalations: number;
  resolved: number;
  /** Shares of the questions that got an outcome (AI answer, cache answer, escalation). */
  shareAi: number | null;
  shareCache: number | null;
  shareEscalated: number | null;
  /** Cache answers per question asked. */
  cacheHitRate: number | null;
  /**
   * Model calls the AI's own answers in the range really cost, per answer, as recorded on
   * each answer (metadata.modelCalls; answers from before it was recorded are left out).
   * Null when no answer in the range recorded it.
   */
  modelCallsPerAnswer: number | null;
  /**
   * An estimate, not a count: cache answers × modelCallsPerAnswer, what the same questions
   * would have cost had the AI answered them (a cached answer made no model call). Null
   * without a measured cost per answer.
   */
  modelCallsSavedEstimate: number | null;
  medianResolutionSeconds: number | null;
  speed: AnswerSpeed;
  /** Visitors' ratings of AI and cached answers. */
  ratedHelpful: number;
  ratedNotHelpful: number;
}

export interface Analytics {
  days: DayStats[];
  totals: AnalyticsTotals;
}

// An answer message is an AI message that is not the escalation bridge (that one carries
// the ticket it created) nor a streamed draft whose check failed (unconfirmed: it went to
// a human). fromCache is set by the chat engine on every AI answer.
const DAILY_SQL = `
with bounds as (
  select (date_trunc('day', now() at time zone 'utc') - ($1::int - 1) * interval '1 day') as since
),
days as (
  select generate_series((select since from bounds), date_trunc('day', now() at time zone 'utc'), interval '1 day') as day
),
conv as (
  select date_trunc('day', created_at at time zone 'utc') as day, count(*)::int as n
  from public.conversations where created_at at time zone 'utc' >= (select since from bounds) group by 1
),
msg as (
  select date_trunc('day', created_at at time zone 'utc') as day,
         count(*) filter (where sender_type = 'user')::int as questions,
         count(*) filter (where sender_type = 'ai' and ticket_id is null
                          and (metadata -> 'fromCache') is distinct from 'true'::jsonb
                           and (metadata -> 'unconfirmed') is distinct from 'true'::jsonb
                           and (metadata ->> 'kind') is distinct from 'small_talk')::int as ai,
         count(*) filter (where sender_type = 'ai' and (metadata -> 'fromCache') = 'true'::jsonb)::int as cache,
         count(*) filter (where sender_type = 'ai' and ticket_id is null and jsonb_typeof(metadata -> 'modelCalls') = 'number'
                          and (metadata -> 'fromCache') is distinct from 'true'::jsonb)::int as costed,
         coalesce(sum((metadata ->> 'modelCalls')::int) filter (where sender_type = 'ai' and ticket_id is null
                          and jsonb_typeof(metadata -> 'modelCalls') = 'number'
                          and (metadata -> 'fromCache') is distinct from 'true'::jsonb), 0)::int as calls,
         percentile_cont(0.5) within group (order by ttft_ms) as ttft
  from public.messages where created_at at time zone 'utc' >= (select since from bounds) group by 1
),
esc as (
  select date_trunc('day', created_at at time zone 'utc') as day, count(*)::int as n
  from public.tickets where created_at at time zone 'utc' >= (select since from bounds) group by 1
),
res as (
  select date_trunc('day', resolved_at at time zone 'utc') as day, count(*)::int as n,
         percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at)) as median
  from public.tickets
  where status = 'resolved' and resolved_at at time zone 'utc' >= (select since from bounds) group by 1
)
select to_char(d.day, 'YYYY-MM-DD') as day,
       coalesce(conv.n, 0) as conversations, coalesce(msg.questions, 0) as questions,
       coalesce(msg.ai, 0) as ai, coalesce(msg.cache, 0) as cache,
       coalesce(msg.costed, 0) as costed, coalesce(msg.calls, 0) as calls,
       coalesce(esc.n, 0) as escalations, coalesce(res.n, 0) as resolved, res.median, msg.ttft
from days d
left join conv on conv.day = d.day
left join msg on msg.day = d.day
left join esc on esc.day = d.day
left join res on res.day = d.day
order by d.day`;

const MEDIAN_SQL = `
select percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at)) as median
from public.tickets
where status = 'resolved'
  and resolved_at at time zone 'utc' >= date_trunc('day', now() at time zone 'utc') - ($1::int - 1) * interval '1 day'`;

// Every generated answer's speed, also of drafts that went to a human: the visitor waited for them too.
const SPEED_SQL = `
select count(ttft_ms)::int as timed,
       percentile_cont(0.5) within group (order by ttft_ms) as ttft,
       percentile_cont(0.9) within group (order by ttft_ms) as ttft_p90,
       percentile_cont(0.5) within group (order by tokens_per_second) as tps
from public.messages
where sender_type = 'ai'
  and created_at at time zone 'utc' >= date_trunc('day', now() at time zone 'utc') - ($1::int - 1) * interval '1 day'`;

interface SpeedRow {
  timed: number;
  ttft: number | null;
  ttft_p90: number | null;
  tps: number | null;
}

const numberOrNull = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));

interface DailyRow {
  day: string;
  conversations: number;
  questions: number;
  ai: number;
  cache: number;
  costed: number;
  calls: number;
  escalations: number;
  resolved: number;
  median: number | null;
  ttft: number | null;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function sum(days: DayStats[], key: keyof Omit<DayStats, "day" | "medianResolutionSeconds" | "medianTtftMs">): number {
  return days.reduce((total, d) => total + d[key], 0);
}

/** The tenant's numbers (RLS scopes every table) for the last `days` UTC days, today included. */
export async function getAnalytics(tx: Tx, options: { days?: number } = {}): Promise<Analytics> {
  const range = analyticsRangeSchema.parse(options.days ?? 30);
  const daily = await tx.query<DailyRow>(DAILY_SQL, [range]);
  const median = await tx.query<{ median: number | null }>(MEDIAN_SQL, [range]);
  const speed = (await tx.query<SpeedRow>(SPEED_SQL, [range])).rows[0];
  const ratings = await tx.query<{ helpful: number; not_helpful: number }>(
    `select count(*) filter (where rating = 'helpful')::int as helpful, count(*) filter (where rating = 'not_helpful')::int as not_helpful
       from public.message_ratings
      where updated_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc' - ($1::int - 1) * interval '1 day'`,
    [range],
  );
  const days: DayStats[] = daily.rows.map((r) => ({
    day: r.day,
    conversations: r.conversations,
    questions: r.questions,
    aiAnswers: r.ai,
    cacheAnswers: r.cache,
    escalations: r.escalations,
    resolved: r.resolved,
    medianResolutionSeconds: r.median === null ? null : Number(r.median),
    medianTtftMs: numberOrNull(r.ttft),
  }));
  const aiAnswers = sum(days, "aiAnswers");
  const cacheAnswers = sum(days, "cacheAnswers");
  const escalations = sum(days, "escalations");
  const outcomes = aiAnswers + cacheAnswers + escalations;
  const questions = sum(days, "questions");
  const overallMedian = median.rows[0]?.median;
  const costed = daily.rows.reduce((n, r) => n + r.costed, 0);
  const perAnswer = ratio(daily.rows.reduce((n, r) => n + r.calls, 0), costed);
  return {
    days,
    totals: {
      conversations: sum(days, "conversations"),
      questions,
      aiAnswers,
      cacheAnswers,
      escalations,
      resolved: sum(days, "resolved"),
      shareAi: ratio(aiAnswers, outcomes),
      shareCache: ratio(cacheAnswers, outcomes),
      shareEscalated: ratio(escalations, outcomes),
      cacheHitRate: ratio(cacheAnswers, questions),
      modelCallsPerAnswer: perAnswer,
      modelCallsSavedEstimate: perAnswer === null ? null : Math.round(cacheAnswers * perAnswer),
      medianResolutionSeconds: numberOrNull(overallMedian),
      speed: {
        timed: speed?.timed ?? 0,
        medianTtftMs: numberOrNull(speed?.ttft),
        p90TtftMs: numberOrNull(speed?.ttft_p90),
        medianTokensPerSecond: numberOrNull(speed?.tps),
      },
      ratedHelpful: ratings.rows[0].helpful,
      ratedNotHelpful: ratings.rows[0].not_helpful,
    },
  };
}
