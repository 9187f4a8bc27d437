/**
 * Charts as plain inline SVG (no chart library): bars (optionally stacked) and a line.
 * Each chart is an image with a summary for screen readers plus the numbers as a
 * visually hidden table.
 */

export interface Series {
  name: string;
  color: string;
}

// A small canvas: scaled to a card (about 300-600 px wide) its 10-unit text stays legible.
const WIDTH = 360;
const HEIGHT = 150;
const PAD = { top: 8, right: 6, bottom: 18, left: 36 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** A round axis maximum at or above the data's maximum (1, 2, 5, 10, 20, ...). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function shortDay(day: string): string {
  return day.slice(5); // MM-DD
}

function Axes({ max, format, labels }: { max: number; format: (v: number) => string; labels: string[] }) {
  const ticks = [0, max / 2, max];
  const xIndexes = labels.length > 1 ? [0, Math.floor((labels.length - 1) / 2), labels.length - 1] : [0];
  const step = PLOT_W / Math.max(1, labels.length);
  return (
    <g fontSize={10} fill="#64748b">
      {ticks.map((t) => {
        const y = PAD.top + PLOT_H - (t / max) * PLOT_H;
        return (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} stroke="#e2e8f0" />
            <text x={PAD.left - 4} y={y + 3} textAnchor="end">
              {format(t)}
            </text>
          </g>
        );
      })}
      {xIndexes.map((i) => (
        <text key={i} x={PAD.left + step * i + step / 2} y={HEIGHT - 4} textAnchor={i === 0 ? "start" : i === labels.length - 1 ? "end" : "middle"}>
          {shortDay(labels[i])}
        </text>
      ))}
    </g>
  );
}

function DataTable({ caption, labels, series, rows, format }: {
  caption: string;
  labels: string[];
  series: string[];
  rows: Array<Array<number | null>>;
  format: (v: number) => string;
}) {
  // sr-only on a wrapper: a table ignores overflow and would still take up its full height.
  return (
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s} scope="col">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {rows[i].map((v, j) => (
                <td key={j}>{v === null ? "no data" : format(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600" aria-hidden>
      {series.map((s) => (
        <li key={s.name} className="flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm" style={{ background: s.color }} />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

export function BarChart({
  title,
  summary,
  labels,
  series,
  values,
  format = formatCount,
}: {
  title: string;
  summary: string;
  labels: string[];
  series: Series[];
  /** values[day][series]; the series of one day are stacked. */
  values: number[][];
  format?: (v: number) => string;
}) {
  const max = niceMax(Math.max(0, ...values.map((day) => day.reduce((a, b) => a + b, 0))));
  const step = PLOT_W / Math.max(1, labels.length);
  const barWidth = Math.max(2, step * 0.7);
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-label={`${title}: ${summary}`}>
        <Axes max={max} format={format} labels={labels} />
        {values.map((day, i) => {
          let base = 0;
          return (
            <g key={labels[i]}>
              {day.map((v, j) => {
                const height = (v / max) * PLOT_H;
                const y = PAD.top + PLOT_H - ((base + v) / max) * PLOT_H;
                base += v;
                return v > 0 ? (
                  <rect key={j} x={PAD.left + step * i + (step - barWidth) / 2} y={y} width={barWidth} height={height} fill={series[j].color} rx={1}>
                    <title>{`${labels[i]} · ${series[j].name}: ${format(v)}`}</title>
                  </rect>
                ) : null;
              })}
            </g>
          );
        })}
      </svg>
      <Legend series={series} />
      <DataTable caption={title} labels={labels} series={series.map((s) => s.name)} rows={values} format={format} />
    </figure>
  );
}

export function LineChart({
  title,
  summary,
  labels,
  values,
  color = "#4f46e5",
  max: fixedMax,
  format = formatCount,
}: {
  title: string;
  summary: string;
  labels: string[];
  /** null = no data that day: the line breaks there. */
  values: Array<number | null>;
  color?: string;
  max?: number;
  format?: (v: number) => string;
}) {
  const max = fixedMax ?? niceMax(Math.max(0, ...values.map((v) => v ?? 0)));
  const step = PLOT_W / Math.max(1, labels.length);
  const point = (v: number, i: number) => [PAD.left + step * i + step / 2, PAD.top + PLOT_H - (v / max) * PLOT_H] as const;
  const segments: string[] = [];
  let current = "";
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = "";
      return;
    }
    const [x, y] = point(v, i);
    current += `${current ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  if (current) segments.push(current);
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-label={`${title}: ${summary}`}>
        <Axes max={max} format={format} labels={labels} />
        {segments.map((d) => (
          <path key={d} d={d} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" />
        ))}
        {values.map((v, i) => {
          if (v === null) return null;
          const [x, y] = point(v, i);
          return (
            <circle key={labels[i]} cx={x} cy={y} r={3} fill={color}>
              <title>{`${labels[i]}: ${format(v)}`}</title>
            </circle>
          );
        })}
      </svg>
      <DataTable caption={title} labels={labels} series={[title]} rows={values.map((v) => [v])} format={format} />
    </figure>
  );
}
