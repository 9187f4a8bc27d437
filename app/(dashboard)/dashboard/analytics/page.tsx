import type { Metadata } from "next";
import Link from "next/link";
import { BarChart, LineChart } from "@/components/dashboard/charts";
import { formatDuration, formatMilliseconds, formatPercent, plural } from "@/components/dashboard/format";
import { PageHeader } from "@/components/dashboard/page-header";
import { Stat } from "@/components/dashboard/stat";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { analyticsRangeSchema, getAnalytics } from "@/lib/analytics/overview";
import { withTenant } from "@/lib/db/tenant";
import { currentStaff } from "../_lib/session";

export const metadata: Metadata = { title: "Analytics" };

const RANGES = [7, 30, 90];
const COLORS = { ai: "#4f46e5", cache: "#059669", escalated: "#d97706" };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const staff = await currentStaff();
  const days = analyticsRangeSchema.parse((await searchParams).days);
  const { days: series, totals } = await withTenant(staff.claims, (tx) => getAnalytics(tx, { days }));
  const labels = series.map((d) => d.day);

  return (
    <>
      <PageHeader
        title="Analytics"
        description={`The last ${days} days (UTC).`}
        action={
          <nav aria-label="Time range" className="flex gap-1 rounded-md border border-slate-200 bg-white p-1">
            {RANGES.map((range) => (
              <Link
                key={range}
                href={`/dashboard/analytics?days=${range}`}
                aria-current={range === days ? "page" : undefined}
                className={`rounded px-3 py-1 text-sm ${range === days ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {range} days
              </Link>
            ))}
          </nav>
        }
      />
      <dl className="mb-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Conversations" value={totals.conversations} detail={`${plural(totals.questions, "question")} asked`} />
        <Stat label="Answered by AI" value={formatPercent(totals.shareAi)} detail={plural(totals.aiAnswers, "answer")} />
        <Stat label="Answered from cache" value={formatPercent(totals.shareCache)} detail={plural(totals.cacheAnswers, "instant answer")} />
        <Stat label="Escalated to a human" value={formatPercent(totals.shareEscalated)} detail={plural(totals.escalations, "ticket")} />
        <Stat label="Cache hit rate" value={formatPercent(totals.cacheHitRate)} detail="cache answers per question" />
        <Stat
          label="Model calls saved (estimate)"
          value={totals.modelCallsSavedEstimate ?? "–"}
          detail={
            totals.modelCallsPerAnswer === null
              ? "no AI answer with a recorded cost yet"
              : `cache answers × ${totals.modelCallsPerAnswer.toFixed(1)} model calls per AI answer (measured)`
          }
        />
        <Stat
          label="Rated helpful"
          value={formatPercent(totals.ratedHelpful + totals.ratedNotHelpful ? totals.ratedHelpful / (totals.ratedHelpful + totals.ratedNotHelpful) : null)}
          detail={`${plural(totals.ratedHelpful, "helpful")} · ${totals.ratedNotHelpful} not helpful`}
        />
        <Stat
          label="Median time to human answer"
          value={totals.medianResolutionSeconds === null ? "–" : formatDuration(totals.medianResolutionSeconds)}
          detail={`${plural(totals.resolved, "ticket")} resolved`}
        />
        <Stat
          label="Median time to first token"
          value={formatMilliseconds(totals.speed.medianTtftMs)}
          detail={`p90 ${formatMilliseconds(totals.speed.p90TtftMs)} · ${plural(totals.speed.timed, "answer")} timed`}
        />
        <Stat
          label="Generation speed"
          value={totals.speed.medianTokensPerSecond === null ? "–" : `${totals.speed.medianTokensPerSecond.toFixed(1)} tokens/s`}
          detail="median, answers written token by token"
        />
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card aria-labelledby="chart-outcomes">
          <CardHeader id="chart-outcomes" title="How questions were answered" />
          <CardBody>
            <BarChart
              title="How questions were answered"
              summary={`${totals.aiAnswers} by AI, ${totals.cacheAnswers} from cache, ${totals.escalations} escalated`}
              labels={labels}
              series={[
                { name: "AI", color: COLORS.ai },
                { name: "Cache", color: COLORS.cache },
                { name: "Escalated", color: COLORS.escalated },
              ]}
              values={series.map((d) => [d.aiAnswers, d.cacheAnswers, d.escalations])}
            />
          </CardBody>
        </Card>
        <Card aria-labelledby="chart-conversations">
          <CardHeader id="chart-conversations" title="Conversations per day" />
          <CardBody>
            <BarChart
              title="Conversations per day"
              summary={`${totals.conversations} in total`}
              labels={labels}
              series={[{ name: "Conversations", color: "#0284c7" }]}
              values={series.map((d) => [d.conversations])}
            />
          </CardBody>
        </Card>
        <Card aria-labelledby="chart-cache">
          <CardHeader id="chart-cache" title="Cache hit rate" description="Share of questions answered instantly from the cache." />
          <CardBody>
            <LineChart
              title="Cache hit rate"
              summary={`${formatPercent(totals.cacheHitRate)} over the period`}
              labels={labels}
              values={series.map((d) => (d.questions ? d.cacheAnswers / d.questions : null))}
              max={1}
              color={COLORS.cache}
              format={(v) => formatPercent(v)}
            />
          </CardBody>
        </Card>
        <Card aria-labelledby="chart-ttft">
          <CardHeader id="chart-ttft" title="Time to first token" description="Median per day, from the question to the answer's first token." />
          <CardBody>
            <LineChart
              title="Time to first token"
              summary={`median ${formatMilliseconds(totals.speed.medianTtftMs)} over ${plural(totals.speed.timed, "answer")}`}
              labels={labels}
              values={series.map((d) => d.medianTtftMs)}
              color={COLORS.ai}
              format={(v) => formatMilliseconds(v)}
            />
          </CardBody>
        </Card>
        <Card aria-labelledby="chart-resolution">
          <CardHeader id="chart-resolution" title="Median time to human answer" description="Per day the tickets were resolved." />
          <CardBody>
            <LineChart
              title="Median time to human answer"
              summary={totals.medianResolutionSeconds === null ? "no resolved tickets" : formatDuration(totals.medianResolutionSeconds)}
              labels={labels}
              values={series.map((d) => (d.medianResolutionSeconds === null ? null : d.medianResolutionSeconds / 60))}
              color={COLORS.escalated}
              format={(v) => formatDuration(v * 60)}
            />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
