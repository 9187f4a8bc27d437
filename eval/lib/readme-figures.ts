import { PER_KIND_HEADERS, perKindRows, type BenchResults } from "./report";

/**
 * The README's benchmark figures, regenerated from a `npm run bench` run (`--readme`):
 * the block between the markers is replaced, so the figures always state the run, the
 * machine, the database and the embedder they came from.
 */
export const README_START = "<!-- bench:start (npm run bench -- --readme rewrites this block) -->";
export const README_END = "<!-- bench:end -->";

type Json = Record<string, unknown>;

const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Json)[key] : undefined), value);

function num(value: unknown, digits = 1): string {
  return typeof value === "number" ? String(Math.round(value * 10 ** digits) / 10 ** digits) : "–";
}

function pct(value: unknown): string {
  return typeof value === "number" ? `${Math.round(value * 1000) / 10} %` : "–";
}

/** part / whole as a percentage with two decimals (tiny shares must not round to 0). */
function share(part: unknown, whole: unknown): string {
  return typeof part === "number" && typeof whole === "number" && whole > 0 ? `${Math.round((part / whole) * 10_000) / 100} %` : "–";
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function lookupRows(r: Json): string[] {
  const sizes = Object.keys(r).filter((k) => /^entries_\d+$/.test(k));
  return sizes.flatMap((size) => {
    const entries = size.slice("entries_".length);
    return (["exact", "paraphrase", "miss"] as const).map((kind) => {
      const k = get(r, `${size}.${kind}`) as Json | undefined;
      return row([
        `${entries} entries, ${kind}`,
        `${num(get(k, "product.latency_ms.p50"), 2)} / ${num(get(k, "product.latency_ms.p99"), 2)}`,
        `${num(get(k, "product_in_transaction.latency_ms.p50"), 2)} / ${num(get(k, "product_in_transaction.latency_ms.p99"), 2)}`,
        `${num(get(k, "plain.latency_ms.p50"), 2)} / ${num(get(k, "plain.latency_ms.p99"), 2)}`,
        `${get(k, "product.right") ?? "–"}/${get(k, "product.of") ?? "–"}`,
      ]);
    });
  });
}

function chatRows(r: Json): string[] {
  return (["exact", "paraphrase", "paraphrase_large_tenant", "miss", "mixed"] as const).map((phase) => {
    const p = get(r, phase) as Json | undefined;
    const split = get(p, "time_split_p50_ms") as Json | undefined;
    return row([
      phase.replaceAll("_", " "),
      num(get(p, "per_s")),
      `${num(get(p, "first_text_ms.p50"))} / ${num(get(p, "first_text_ms.p99"))}`,
      `${get(p, "right") ?? "–"} right, ${get(p, "wrong") ?? "–"} wrong, ${get(p, "missed") ?? "–"} missed, ${get(p, "false_hits") ?? "–"} false hits`,
      `${num(get(split, "embed"))} / ${num(get(split, "db"))} / ${num(get(split, "framework_and_network"))}`,
    ]);
  });
}

/** A caption, then a Markdown table under it. */
function table(caption: string, headers: string[], rows: string[]): string[] {
  return [caption, "", row(headers), row(headers.map(() => "---")), ...rows, ""];
}

export function readmeFigures(results: BenchResults): string {
  const by = (name: string) => results.runs.find((r) => r.name === name && r.result)?.result as Json | undefined;
  const m = results.machine;
  const lines = [
    README_START,
    `Measured by \`npm run bench\` (short settings unless \`--full\`) on ${results.finishedAt.slice(0, 10)}: ${m.cpus} CPUs (${m.cpu ?? "?"}), ${m.memoryGb} GB, load average ${m.loadAverage1m ?? "?"} at the end${(m.loadAverage1m ?? 0) > m.cpus ? " (the machine was shared: figures are conservative)" : ""}, Node ${m.node}, database ${m.database === "postgres" ? "PostgreSQL with pgvector" : "embedded PGlite"}. The load generator, the server and the database share the machine.`,
    "",
  ];
  const lookup = by("cache-lookup");
  if (lookup) {
    lines.push(
      ...table(
        `**Cache lookup alone** (\`npm run bench:cache-lookup\`; embedder ${lookup.embedder}, ${lookup.tenants} tenants × ${lookup.entries_per_tenant} + 1 × ${lookup.large_tenant_entries} entries, a partition and HNSW graph per tenant; ms p50 / p99, one client; ${num(get(lookup, `entries_${lookup.entries_per_tenant}.product_lookups_per_s`), 0)} lookups/s with ${lookup.clients_for_throughput} clients):`,
        ["queries", "product (one round trip)", "product in a transaction", "plain pgvector statement", "right answers"],
        lookupRows(lookup),
      ),
    );
  }
  const chat = by("chat-cache-hit");
  if (chat) {
    lines.push(
      ...table(
        `**Chat over HTTP** (\`npm run bench:chat\`; production build; embedder ${chat.embedder}, ${chat.tenants} tenants × ${chat.entries_per_tenant} + 1 × ${chat.large_tenant_entries} entries; ${chat.clients} clients; the embedder alone embeds ${num(get(chat, "embedder_alone.per_s"))} questions/s, paraphrases reach ${share(get(chat, "paraphrase.per_s"), get(chat, "embedder_alone.per_s"))} of it):`,
        ["traffic", "requests/s", "first text ms p50 / p99", "checked", "server embed / db / rest ms (p50)"],
        chatRows(chat),
      ),
    );
    const floors = get(chat, "framework_floors") as Json | undefined;
    if (floors) {
      lines.push(
        `The machine's own ceiling in the same run, same clients and HTTP client: a route that does nothing (\`GET /widget.js\`) ${num(get(floors, "static_route.per_s"))} req/s (p50 ${num(get(floors, "static_route.latency_ms.p50"))} / p99 ${num(get(floors, "static_route.latency_ms.p99"))} ms); one transaction with one query (\`GET /api/health\`) ${num(get(floors, "health_one_query.per_s"))} req/s (p50 ${num(get(floors, "health_one_query.latency_ms.p50"))} / p99 ${num(get(floors, "health_one_query.latency_ms.p99"))} ms).`,
        "",
      );
    }
  }
  const miss = by("chat-miss-overhead");
  if (miss) {
    lines.push(
      `**Cache misses over HTTP** (\`npm run bench:chat-miss\`; instant loopback mock model, ${miss.clients} clients): answered ${num(get(miss, "answered.per_s"))} req/s, first text p50 ${num(get(miss, "answered.first_text_ms.p50"))} ms / p99 ${num(get(miss, "answered.first_text_ms.p99"))} ms; escalated (low score → ticket, hand-over message) ${num(get(miss, "escalated.per_s"))} req/s, p50 ${num(get(miss, "escalated.first_text_ms.p50"))} ms / p99 ${num(get(miss, "escalated.first_text_ms.p99"))} ms.`,
      "",
    );
  }
  const load = by("conversations-load");
  if (load) {
    const live = get(load, "live") as Json | undefined;
    lines.push(
      ...table(
        `**Widget conversations under load** (\`npm run bench:load\`; production build; ${load.conversations} conversations over ${load.tenants} tenants, ${load.duration_s} s after a ${load.warmup_s} s warm-up, ${load.think_s} s between steps; embedder ${load.embedder}; per-conversation and per-tenant limits counted but out of reach, per-address limits off; machine load ${num(load.machine_load_1m)}): ${load.requests} requests (${num(load.questions_per_s)} questions/s), ${load.errors} errors; up to ${get(live, "streams_open_max") ?? "–"} live event streams open, stored answers on them p99 ${num(get(live, "lag_ms.p99"))} ms later, ${get(live, "leases_left_after_close") ?? "–"} left after close; server RSS ${num(load.rss_after_warmup_mb, 0)} → ${num(load.rss_end_mb, 0)} MB (${num(load.rss_growth_second_half_mb_per_min)} MB/min over the second half${load.rss_flat === null ? ", not judged on so short a window" : ""}; lowest per quarter ${load.rss_lowest_by_quarter_mb ?? "–"} MB), ${num(load.server_cpu_cores, 2)} cores busy, \`/api/health\` p99 ${num(get(load, "health_ms.p99"))} ms:`,
        PER_KIND_HEADERS,
        perKindRows(load).map(row),
      ),
    );
  }
  const curves = by("cache-curves");
  if (curves) {
    const overall = (curves.overall ?? {}) as Record<string, Json>;
    lines.push(
      `**Cache quality, replayed** (\`npm run bench:cache-curves\`, eval:cache's replay protocol; ${curves.queries} banking77 queries in seeded random order into empty caches, misses answered and written; embedder ${curves.embedder}): ` +
        Object.entries(overall).map(([t, o]) => `at ${t}: ${pct(o.hit_rate)} hits, ${pct(o.wrong_hits_per_query)} wrong hits per query`).join("; ") +
        ". banking77 is the data the offline embedder's synonyms and its 0.75 threshold were tuned on: for that embedder these are in-sample figures.",
      "",
    );
  }
  const wixqa = by("wixqa-recall");
  if (wixqa) {
    lines.push(
      `**Retrieval** (\`npm run bench:wixqa-recall\`; embedder ${wixqa.embedder}): recall@5 ${num(wixqa.recall_at_5_with_distractors, 3)} on WixQA dev with ${wixqa.distractor_articles} distractor articles (${num(wixqa.recall_at_5_cited_articles_only, 3)} when the knowledge base holds only the ${wixqa.cited_articles} cited articles).`,
      "",
    );
  }
  lines.push(README_END);
  return lines.join("\n");
}

/** The README with its figures block replaced (or appended to the benchmarks section). */
export function withReadmeFigures(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start >= 0 && end > start) return readme.slice(0, start) + block + readme.slice(end + README_END.length);
  return `${readme.trimEnd()}\n\n${block}\n`;
}
