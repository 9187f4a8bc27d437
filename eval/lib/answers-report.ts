import { recallAtK } from "./answer-metrics";
import type { AnswerRecord, AnswersSummary } from "./answers-summary";
import { fmt, htmlPage, htmlTable, pct } from "./html";
import { textTable } from "./output";
import type { Question } from "./questions";
import { histogram } from "./stats";
import { histogramChart } from "./svg";

export interface RunContext {
  mode: string;
  chatModel: string;
  embedder: string;
  database: string;
  kb: { documents: number; ready: number; failed: number; ms: number };
}

function headline(s: AnswersSummary): Array<[string, string]> {
  const e = s.escalation;
  return [
    ["questions", String(s.questions)],
    ["answered / escalated / cache hit / error", `${s.outcomes.answered} / ${s.outcomes.escalated} / ${s.outcomes.cache_hit} / ${s.outcomes.error}`],
    [`recall@${s.k} (retrieved)`, `${pct(s.retrievedRecallAtK.value)} of ${s.retrievedRecallAtK.questions}`],
    [`recall@${s.k} (cited)`, `${pct(s.citedRecallAtK.value)} of ${s.citedRecallAtK.questions}`],
    ["escalation precision / recall", `${pct(e.precision)} / ${pct(e.recall)} (tp ${e.truePositives}, fp ${e.falsePositives}, fn ${e.falseNegatives}, tn ${e.trueNegatives})`],
    ["answered correctly (cites a right article)", `${pct(s.answeredCorrect.value)} (${s.answeredCorrect.correct} of ${s.answeredCorrect.questions})`],
    ["token F1 vs reference", `${fmt(s.tokenF1.value, 3)} over ${s.tokenF1.questions}`],
    ["latency p50 / p90 / p99 ms", `${fmt(s.latencyMs.all.p50)} / ${fmt(s.latencyMs.all.p90)} / ${fmt(s.latencyMs.all.p99)}`],
    ["time to first answer text p50 / p99 ms", `${fmt(s.ttfbMs.p50)} / ${fmt(s.ttfbMs.p99)}`],
    ["time to first token p50 / p99 ms", `${fmt(s.ttftMs.p50)} / ${fmt(s.ttftMs.p99)}`],
    ["tokens/s p50 (answers)", `${fmt(s.tokensPerSecond.p50)} over ${s.tokensPerSecond.count}`],
  ];
}

export function answersSummaryText(s: AnswersSummary, context: RunContext): string {
  const rows = headline(s).map(([k, v]) => [k, v]);
  const latency = (["answered", "escalated", "cache_hit", "error"] as const)
    .filter((o) => s.latencyMs[o].count > 0)
    .map((o) => [o, String(s.latencyMs[o].count), fmt(s.latencyMs[o].p50), fmt(s.latencyMs[o].p90), fmt(s.latencyMs[o].p99)]);
  return [
    `Mode ${context.mode}, chat ${context.chatModel}, embedder ${context.embedder}, database ${context.database}; ` +
      `KB ${context.kb.ready}/${context.kb.documents} documents indexed in ${(context.kb.ms / 1000).toFixed(1)} s` +
      (context.kb.failed ? ` (${context.kb.failed} failed)` : ""),
    "",
    ...rows.map(([k, v]) => `${k.padEnd(40)} ${v}`),
    "",
    textTable(["outcome", "n", "p50 ms", "p90 ms", "p99 ms"], latency),
  ].join("\n");
}

export function answersReportHtml(s: AnswersSummary, questions: readonly Question[], records: readonly AnswerRecord[], context: RunContext): string {
  const outcomes = ["answered", "escalated", "cache_hit", "error"] as const;
  const max = s.latencyMs.all.p99 ?? 1;
  const latency = histogramChart({
    title: "Latency by outcome",
    xLabel: "latency (ms)",
    series: outcomes
      .filter((o) => s.latencyMs[o].count > 0)
      .map((o) => ({ name: o, histogram: histogram(records.filter((r) => r.outcome === o).map((r) => r.latency_ms), 30, [0, max]) })),
  });
  const byId = new Map(questions.map((q) => [q.id, q]));
  const recall = (expected: string[] | undefined, ids: string[]) => fmt(expected?.length ? recallAtK(expected, ids, s.k) : null, 2);
  const perQuestion = htmlTable(
    ["id", "outcome", "expected", "confidence", "latency ms", `retrieved recall@${s.k}`, `cited recall@${s.k}`, "answer"],
    records.map((r) => {
      const q = byId.get(r.id);
      const expected = q?.expect_escalation === undefined ? "–" : q.expect_escalation ? "escalate" : "answer";
      return [r.id, r.outcome, expected, fmt(r.confidence, 2), fmt(r.latency_ms, 0), recall(q?.article_ids, r.retrieved_ids), recall(q?.article_ids, r.cited_ids), r.error ?? r.answer.slice(0, 200)];
    }),
    { textColumns: [1, 2, 7] },
  );
  return htmlPage(
    "Answer evaluation",
    `Mode ${context.mode}, chat ${context.chatModel}, embedder ${context.embedder}, database ${context.database}; KB ${context.kb.ready}/${context.kb.documents} documents.`,
    [
      { heading: "Summary", html: htmlTable(["measure", "value"], headline(s), { textColumns: [1] }) },
      { heading: "Latency", html: latency },
      { heading: "Per question", html: perQuestion },
    ],
  );
}
