/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A number for a table cell: fixed decimals, "–" for missing. */
export function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(digits)}%`;
}

/** A table of escaped cells; `textColumns` are left-aligned (numbers align right). */
export function htmlTable(headers: string[], rows: Array<Array<string | number>>, options: { highlightRow?: number; textColumns?: number[] } = {}): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((row, i) => {
      const cls = i === options.highlightRow ? ' class="hl"' : "";
      const cells = row.map((c, j) => `<td${options.textColumns?.includes(j) ? ' class="l"' : ""}>${escapeHtml(c)}</td>`);
      return `<tr${cls}>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export interface Section {
  heading: string;
  /** Trusted markup (charts, tables built with the helpers above). */
  html: string;
}

const STYLE = `
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#1f2937}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #e5e7eb;padding:.25rem .6rem;text-align:right;vertical-align:top;overflow-wrap:anywhere}td.l{text-align:left}th{background:#f9fafb}
td:first-child,th:first-child{text-align:left}tr.hl td{background:#ecfdf5;font-weight:600}
.meta{color:#6b7280}svg{max-width:100%;height:auto}code{background:#f3f4f6;padding:0 .25rem}
`;

/** A self-contained page: no scripts, no external assets, readable offline. */
export function htmlPage(title: string, intro: string, sections: Section[]): string {
  const body = sections.map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n${s.html}`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(intro)}</p>
${body}
</body></html>
`;
}
