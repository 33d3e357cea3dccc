// A self-contained chart of a run (HTML with inline SVG, no scripts, no network): answered
// requests per second and P50/P99 latency per second, with tmax drawn as a line, so a spike
// or an outage shows where it happened.
import type { TimelinePoint } from './run-report.ts';

const W = 760;
const H = 220;
const PAD = 40;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function polyline(points: Array<[number, number]>, maxX: number, maxY: number, color: string): string {
  if (points.length === 0 || maxY <= 0) return '';
  const xy = points
    .filter(([, y]) => Number.isFinite(y))
    .map(
      ([x, y]) =>
        `${(PAD + (x / Math.max(1, maxX)) * (W - 2 * PAD)).toFixed(1)},${(H - PAD - (Math.min(y, maxY) / maxY) * (H - 2 * PAD)).toFixed(1)}`,
    )
    .join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${xy}"/>`;
}

export function panel(
  title: string,
  series: Array<{ label: string; color: string; pts: Array<[number, number]> }>,
  maxX: number,
  hline?: { y: number; label: string },
): string {
  const all = series.flatMap((s) => s.pts.map(([, y]) => y)).filter(Number.isFinite);
  const maxY = Math.max(1, hline?.y ?? 0, ...all) * 1.1;
  const legend = series
    .map(
      (s, i) =>
        `<text x="${PAD + 10 + i * 120}" y="16" fill="${s.color}" font-size="12">${esc(s.label)}</text>`,
    )
    .join('');
  const line = hline
    ? `<line x1="${PAD}" x2="${W - PAD}" y1="${H - PAD - (hline.y / maxY) * (H - 2 * PAD)}" y2="${H - PAD - (hline.y / maxY) * (H - 2 * PAD)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${W - PAD - 80}" y="${H - PAD - (hline.y / maxY) * (H - 2 * PAD) - 4}" fill="#c00" font-size="11">${esc(hline.label)}</text>`
    : '';
  return `<h3>${esc(title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" style="font-family:sans-serif;background:#fafafa">
<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#888"/><line x1="${PAD}" y1="${PAD / 2}" x2="${PAD}" y2="${H - PAD}" stroke="#888"/>
<text x="4" y="${PAD}" font-size="11">${maxY.toFixed(0)}</text><text x="${W - PAD - 20}" y="${H - PAD + 16}" font-size="11">${maxX}s</text>
${legend}${line}${series.map((s) => polyline(s.pts, maxX, maxY, s.color)).join('')}</svg>`;
}

/** A page of panels (each an SVG), for reports that are not timelines. */
export function renderPage(title: string, panels: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:sans-serif"><h2>${esc(title)}</h2>${panels.join('')}</body></html>\n`;
}

export function renderChart(title: string, timeline: TimelinePoint[], tmaxMs: number): string {
  const maxX = timeline.length;
  const rate = panel(
    'Requests per second',
    [
      { label: 'scheduled', color: '#999', pts: timeline.map((p) => [p.t, p.scheduled]) },
      { label: 'answered', color: '#06c', pts: timeline.map((p) => [p.t, p.answered]) },
      { label: 'errors', color: '#c00', pts: timeline.map((p) => [p.t, p.errors]) },
    ],
    maxX,
  );
  const lat = panel(
    'Latency per second (ms, by scheduled time)',
    [
      { label: 'P50', color: '#393', pts: timeline.map((p) => [p.t, p.p50]) },
      { label: 'P99', color: '#f80', pts: timeline.map((p) => [p.t, p.p99]) },
    ],
    maxX,
    { y: tmaxMs, label: `tmax ${tmaxMs} ms` },
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:sans-serif"><h2>${esc(title)}</h2>${rate}${lat}</body></html>\n`;
}
