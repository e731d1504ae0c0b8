/**
 * Line charts as server-rendered SVG for the editors' pages: no script (the CSP allows none inline), no
 * library to ship. Each series differs by colour and also by dash pattern and marker shape, with a legend
 * that shows both, so the chart reads without colour; the SVG is one image with a title and a text
 * description, every point has its value as a tooltip, and the page shows the numbers as a table too.
 */

export type ChartSeries = { name: string; values: readonly (number | null)[] };

export type LineChartOptions = {
  /** Unique on the page: the title and description are referenced by it. */
  id: string;
  title: string;
  /** What the chart shows, in words, for those who do not see it (first and last values, highest). */
  description: string;
  /** One label per period, the x axis. */
  labels: readonly string[];
  /** Three at most: each has its own colour, dash and marker. */
  series: readonly ChartSeries[];
  /** Values are shares (0..1): the axis runs to 100 %. */
  share?: boolean;
  /** A value as the page's language writes it ("12 %", "1'204"). */
  format: (value: number) => string;
};

const STYLES = [
  { colour: '#1f5f99', dash: '', marker: 'circle' },
  { colour: '#b34d00', dash: '7 4', marker: 'square' },
  { colour: '#2e7d32', dash: '2 3', marker: 'triangle' },
] as const;

const W = 720;
const H = 260;
const PAD = { left: 56, right: 16, top: 40, bottom: 36 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least the largest value. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= max)!;
  return step * power;
}

function marker(kind: (typeof STYLES)[number]['marker'], x: number, y: number, colour: string): string {
  const r = 4;
  if (kind === 'circle') return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${colour}"`;
  if (kind === 'square') return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="#fff" stroke="${colour}" stroke-width="2"`;
  return `<path d="M${x.toFixed(1)} ${(y - r - 1).toFixed(1)}l${r + 1} ${2 * r + 1}h-${2 * r + 2}z" fill="${colour}"`;
}

export function lineChart(o: LineChartOptions): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const top = o.share ? 1 : niceMax(Math.max(0, ...all));
  const n = o.labels.length;
  const xOf = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const yOf = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const out: string[] = [];
  out.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}-title ${o.id}-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${o.id}-title">${esc(o.title)}</title>`,
    `<desc id="${o.id}-desc">${esc(o.description)}</desc>`,
  );
  // Grid and y axis: five lines with their values.
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    const y = yOf(v);
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${k === 0 ? '#57606a' : '#d8dee4'}" stroke-width="1"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#3d444d">${esc(o.format(v))}</text>`);
  }
  // x labels: at most eight, evenly spread, always the first and the last.
  const every = Math.max(1, Math.ceil(n / 8));
  o.labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    if (i !== n - 1 && n - 1 - i < every / 2 && i !== 0) return;
    out.push(`<text x="${xOf(i).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle" font-size="12" fill="#3d444d">${esc(label)}</text>`);
  });
  // Legend: the line's dash and marker next to each name.
  let lx = PAD.left;
  o.series.forEach((s, si) => {
    const st = STYLES[si % STYLES.length]!;
    out.push(`<line x1="${lx}" x2="${lx + 28}" y1="16" y2="16" stroke="${st.colour}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
    out.push(`${marker(st.marker, lx + 14, 16, st.colour)}/>`);
    out.push(`<text x="${lx + 34}" y="20" font-size="13" fill="#1d2329">${esc(s.name)}</text>`);
    lx += 34 + s.name.length * 7.2 + 24;
  });
  // Lines (broken where a period has no value) and points with their values.
  o.series.forEach((s, si) => {
    const st = STYLES[si % STYLES.length]!;
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${xOf(i).toFixed(1)} ${yOf(v).toFixed(1)}`;
      pen = true;
    });
    if (d) out.push(`<path d="${d}" fill="none" stroke="${st.colour}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
    s.values.forEach((v, i) => {
      if (v === null) return;
      out.push(`${marker(st.marker, xOf(i), yOf(v), st.colour)}><title>${esc(`${s.name}, ${o.labels[i]}: ${o.format(v)}`)}</title>${st.marker === 'circle' ? '</circle>' : st.marker === 'square' ? '</rect>' : '</path>'}`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
