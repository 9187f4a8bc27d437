import { describe, expect, it } from "vitest";
import { lastJsonObject } from "./lib/child-result";
import { README_END, README_START, readmeFigures, withReadmeFigures } from "./lib/readme-figures";
import { flattenScalars, perKindRows, resultsHtml, resultsText, type BenchResults } from "./lib/report";

describe("lastJsonObject", () => {
  it("reads a one-line result after progress output", () => {
    expect(lastJsonObject('Seeding…\n{"progress":1} noise\n{"name":"x","hits":3}\n')).toEqual({ name: "x", hits: 3 });
  });

  it("reads a pretty-printed result", () => {
    expect(lastJsonObject('log line\n{\n  "p50_ms": 12,\n  "nested": {\n    "a": 1\n  }\n}\n')).toEqual({ p50_ms: 12, nested: { a: 1 } });
  });

  it("is null when the output does not end with an object", () => {
    expect(lastJsonObject("┌─────┐\n│ table │\n└─────┘")).toBeNull();
    expect(lastJsonObject("[1, 2]")).toBeNull();
  });
});

const results: BenchResults = {
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:05:00Z",
  machine: { cpus: 2, memoryGb: 8, node: "v24", platform: "linux x64", database: "pglite" },
  runs: [
    { name: "chat-cache-hit", file: "bench/chat-cache-hit.ts", status: "ok", exitCode: 0, seconds: 60, result: { hits_per_s: 321.25, pass: true, first_text_ms: { p50: 9, p99: 40 }, rss: [[0, 100], [1, 110]] } },
    { name: "retrieval", file: "bench/retrieval.ts", status: "no-result", exitCode: 0, seconds: 5, result: null, outputTail: "<table>" },
  ],
};

describe("bench report", () => {
  it("flattens one level of nested figures and leaves series out", () => {
    expect(flattenScalars(results.runs[0].result!)).toEqual([
      ["hits_per_s", 321.25],
      ["pass", true],
      ["first_text_ms.p50", 9],
      ["first_text_ms.p99", 40],
    ]);
  });

  it("prints an overview and each result's figures", () => {
    const text = resultsText(results);
    expect(text).toMatch(/chat-cache-hit\s+ok\s+60\s+true/);
    expect(text).toMatch(/retrieval\s+no-result/);
    expect(text).toMatch(/hits_per_s\s+321\.25/);
  });

  it("renders charts and escapes raw output in the HTML report", () => {
    const html = resultsHtml(results);
    expect(html).toContain("<svg");
    expect(html).toContain("&lt;table&gt;");
    expect(html).not.toContain("<pre><table>");
  });
});

describe("bench report histograms", () => {
  it("draws {edges, counts} distributions and keeps them out of the figures table", () => {
    const run = { ...results.runs[0], result: { hits: 1, first_text_histogram: { edges: [0, 5, 10], counts: [3, 1] } } };
    const html = resultsHtml({ ...results, runs: [run] });
    expect(html).toContain("first_text (ms)");
    expect(flattenScalars(run.result)).toEqual([["hits", 1]]);
  });
});

describe("bench report charts of the cache benchmarks", () => {
  it("draws nested latency percentiles, a throughput table per phase and named curves", () => {
    const run = {
      ...results.runs[0],
      result: {
        exact: { per_s: 1200, first_text_ms: { p50: 4, p90: 8, p99: 20, max: 30 } },
        paraphrase: { per_s: 300, first_text_ms: { p50: 9, p90: 20, p99: 45, max: 60 } },
        hit_rate_curves: { "0.80": [[100, 0.1], [200, 0.2]], "0.90": [[100, 0.05], [200, 0.08]] },
      },
    };
    const html = resultsHtml({ ...results, runs: [run] });
    expect(html).toContain("exact.first_text_ms");
    expect(html).toContain("paraphrase.first_text_ms");
    expect(html).toMatch(/throughput<\/h3><table[\s\S]*exact[\s\S]*1200[\s\S]*paraphrase[\s\S]*300/);
    expect(html).toContain("hit rate curves");
    expect(html).toContain("0.90");
  });
});

describe("README figures", () => {
  it("states the machine, the database and the embedder, and replaces only its block", () => {
    const run = {
      ...results.runs[0],
      name: "chat-cache-hit",
      result: { embedder: "offline-hash-v1", tenants: 10, entries_per_tenant: 10000, large_tenant_entries: 100000, clients: 16, exact: { per_s: 1234.5, right: 10, wrong: 0, missed: 0, false_hits: 0, first_text_ms: { p50: 3, p99: 20 } }, embedder_alone: { per_s: 500 }, paraphrase: { per_s: 425, share_of_embedder_alone: 0.85 } },
    };
    const block = readmeFigures({ ...results, machine: { ...results.machine, cpu: "Test CPU", loadAverage1m: 1.5 }, runs: [run] });
    expect(block).toContain("embedder offline-hash-v1");
    expect(block).toContain("Test CPU");
    expect(block).toContain("embedded PGlite");
    expect(block).toMatch(/\| exact \| 1234\.5 \| 3 \/ 20 \|/);
    expect(block).toContain("85 %");
    const readme = `# Title\n\nbefore\n\n${README_START}\nold figures\n${README_END}\n\nafter\n`;
    const updated = withReadmeFigures(readme, block);
    expect(updated).toContain("before");
    expect(updated).toContain("after");
    expect(updated).not.toContain("old figures");
    expect(withReadmeFigures(updated, block)).toBe(updated);
  });
});

describe("the load benchmark's figures", () => {
  const ms = (p50: number, p99: number) => ({ count: 10, p50, p90: p99, p95: p99, p99, max: p99 });
  const load = {
    conversations: 200,
    tenants: 4,
    duration_s: 60,
    warmup_s: 20,
    think_s: "2-8",
    embedder: "local:minilm",
    requests: 2400,
    questions_per_s: 30.5,
    errors: 0,
    machine_load_1m: 3.2,
    live: { streams_open_max: 200, lag_ms: ms(500, 1020.4), leases_left_after_close: 0 },
    health_ms: ms(4, 35),
    server_cpu_cores: 1.25,
    rss_after_warmup_mb: 700,
    rss_end_mb: 702,
    rss_growth_second_half_mb_per_min: 0.4,
    rss_lowest_by_quarter_mb: "690 / 695 / 694 / 696",
    rss_flat: null,
    by_kind: {
      ask_exact: { count: 700, per_s: 11.7, errors: 0, ttfb_ms: ms(12, 80), first_text_ms: ms(13, 81), total_ms: ms(14, 90), outcomes: { cache: 700 } },
      events_open: { count: 300, per_s: 5, errors: 0, ttfb_ms: ms(6, 40), total_ms: ms(6, 40) },
    },
  };
  const run = { name: "conversations-load", file: "bench/conversations-load.ts", status: "ok" as const, exitCode: 0, seconds: 200, result: load };

  it("lists each kind of request with its errors, percentiles and outcomes", () => {
    expect(perKindRows(load)).toEqual([
      ["ask_exact", "700", "11.7", "0", "12 / 80 / 80", "13 / 81 / 81", "cache 700"],
      ["events_open", "300", "5", "0", "6 / 40 / 40", "–", ""],
    ]);
    expect(perKindRows({ hits: 1 })).toEqual([]);
  });

  it("shows them in the console, the HTML report and the README block", () => {
    expect(resultsText({ ...results, runs: [run] })).toMatch(/ask_exact\s+700\s+11\.7\s+0\s+12 \/ 80 \/ 80/);
    const html = resultsHtml({ ...results, runs: [run] });
    expect(html).toContain("conversations-load requests by kind");
    expect(html).toContain("time to first byte by request");
    expect(html).not.toContain("by_kind.ask_exact.total_ms");
    const block = readmeFigures({ ...results, runs: [run] });
    expect(block).toContain("200 conversations over 4 tenants, 60 s after a 20 s warm-up");
    expect(block).toContain("0 errors");
    expect(block).toContain("p99 1020.4 ms later");
    expect(block).toContain("RSS 700 → 702 MB (0.4 MB/min over the second half, not judged on so short a window; lowest per quarter 690 / 695 / 694 / 696 MB)");
    expect(block).toMatch(/\| ask_exact \| 700 \| 11\.7 \| 0 \| 12 \/ 80 \/ 80 \| 13 \/ 81 \/ 81 \| cache 700 \|/);
  });
});
