import { escapeHtml } from "./html";
import type { Histogram } from "./stats";

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];

const W = 720;
const H = 320;
const M = { top: 20, right: 150, bottom: 44, left: 56 };

interface Scale {
  toX(v: number): number;
  toY(v: number): number;
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v * 1e9) / 1e9);
  return ticks;
}

function label(v: number): string {
  return Math.abs(v) >= 1000 ? `${Math.round(v / 100) / 10}k` : String(Math.round(v * 1000) / 1000);
}

function axes(scale: Scale, x: [number, number], y: [number, number], xLabel: string, yLabel: string, format: (v: number) => string): string {
  const parts: string[] = [];
  for (const t of niceTicks(y[0], y[1])) {
    const py = scale.toY(t);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py + 4}" text-anchor="end">${escapeHtml(format(t))}</text>`);
  }
  for (const t of niceTicks(x[0], x[1], 8)) {
    const px = scale.toX(t);
    parts.push(`<line x1="${px}" x2="${px}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#6b7280"/>`);
    parts.push(`<text x="${px}" y="${H - M.bottom + 16}" text-anchor="middle">${escapeHtml(label(t))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#6b7280"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  return parts.join("");
}

function makeScale(x: [number, number], y: [number, number]): Scale {
  const xs = x[1] - x[0] || 1;
  const ys = y[1] - y[0] || 1;
  return {
    toX: (v) => +(M.left + ((v - x[0]) / xs) * (W - M.left - M.right)).toFixed(1),
    toY: (v) => +(H - M.bottom - ((v - y[0]) / ys) * (H - M.top - M.bottom)).toFixed(1),
  };
}

function frame(title: string, inner: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif" font-size="11" role="img"><title>${escapeHtml(title)}</title>${inner}</svg>`;
}

export interface LineSeries {
  name: string;
  points: Array<[number, number]>;
}

/** Lines over a shared x axis, with a legend and optional vertical markers (e.g. the recommended threshold). */
export function lineChart(options: {
  title: string;
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  yRange?: [number, number];
  formatY?: (v: number) => string;
  markers?: Array<{ x: number; label: string }>;
}): string {
  const all = options.series.flatMap((s) => s.points);
  const x: [number, number] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const y = options.yRange ?? [0, Math.max(...all.map((p) => p[1]), 1e-9)];
  const scale = makeScale(x, y);
  const parts = [axes(scale, x, y, options.xLabel, options.yLabel, options.formatY ?? label)];
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const d = s.points.map((p, j) => `${j ? "L" : "M"}${scale.toX(p[0])} ${scale.toY(p[1])}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points) parts.push(`<circle cx="${scale.toX(p[0])}" cy="${scale.toY(p[1])}" r="2.5" fill="${color}"/>`);
    parts.push(`<rect x="${W - M.right + 12}" y="${M.top + i * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${W - M.right + 30}" y="${M.top + i * 18 + 5}">${escapeHtml(s.name)}</text>`);
  });
  for (const m of options.markers ?? []) {
    const px = scale.toX(m.x);
    parts.push(`<line x1="${px}" x2="${px}" y1="${M.top}" y2="${H - M.bottom}" stroke="#111827" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${px + 4}" y="${M.top + 10}">${escapeHtml(m.label)}</text>`);
  }
  return frame(options.title, parts.join(""));
}

/** Bars of one or more histograms sharing the same bin edges (overlaid, semi-transparent). */
export function histogramChart(options: { title: string; series: Array<{ name: string; histogram: Histogram }>; xLabel: string; yLabel?: string }): string {
  const edges = options.series[0]?.histogram.edges ?? [0, 1];
  const x: [number, number] = [edges[0], edges[edges.length - 1]];
  const y: [number, number] = [0, Math.max(1, ...options.series.flatMap((s) => s.histogram.counts))];
  const scale = makeScale(x, y);
  const parts = [axes(scale, x, y, options.xLabel, options.yLabel ?? "count", label)];
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    s.histogram.counts.forEach((count, b) => {
      if (count === 0) return;
      const x0 = scale.toX(s.histogram.edges[b]);
      const x1 = scale.toX(s.histogram.edges[b + 1]);
      const y0 = scale.toY(count);
      parts.push(`<rect x="${x0}" y="${y0}" width="${Math.max(0.5, x1 - x0 - 0.5)}" height="${(H - M.bottom - y0).toFixed(1)}" fill="${color}" fill-opacity="0.55"><title>${escapeHtml(`${s.name}: ${count}`)}</title></rect>`);
    });
    parts.push(`<rect x="${W - M.right + 12}" y="${M.top + i * 18 - 4}" width="12" height="10" fill="${color}" fill-opacity="0.55"/>`);
    parts.push(`<text x="${W - M.right + 30}" y="${M.top + i * 18 + 5}">${escapeHtml(s.name)}</text>`);
  });
  return frame(options.title, parts.join(""));
}
