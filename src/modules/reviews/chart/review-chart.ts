// The review chart: tickets opened per day (bars; weekends and holidays marked) and SLA compliance
// per week (response and resolution lines, 0–100 %). Drawn with our rasteriser, encoded as PNG.
import { encodePng } from './png.js';
import { Raster, type Rgb } from './raster.js';

export interface ChartInput {
  month: string;
  days: { date: string; opened: number; working: boolean; holiday: boolean }[];
  weeks: { label: string; responsePct: number | null; resolutionPct: number | null }[];
}

export const CHART_SIZE = { width: 960, height: 640 } as const;

const INK: Rgb = [33, 37, 41];
const MUTED: Rgb = [120, 126, 134];
const GRID: Rgb = [226, 230, 234];
const BAR: Rgb = [52, 120, 198];
const BAR_OFF: Rgb = [160, 186, 214];
const HOLIDAY: Rgb = [230, 126, 34];
const RESPONSE: Rgb = [39, 174, 96];
const RESOLUTION: Rgb = [52, 120, 198];

/** A round axis maximum at or above `max` (1, 2, 5 × 10^n steps, four grid lines). */
export function niceMax(max: number): { top: number; step: number } {
  if (max <= 4) return { top: 4, step: 1 };
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  return { top: step * Math.ceil(max / step), step };
}

/** A legend whose right edge is at `right`. */
function legend(r: Raster, right: number, y: number, items: [Rgb, string][]): void {
  const width = items.reduce((w, [, label]) => w + 20 + Raster.textWidth(label, 2) + 24, -24);
  let cx = right - width;
  for (const [color, label] of items) {
    r.rect(cx, y, 14, 14, color);
    r.text(cx + 20, y, label, INK, 2);
    cx += 20 + Raster.textWidth(label, 2) + 24;
  }
}

/** Renders the chart of a month as a PNG. */
export function renderReviewChart(input: ChartInput): Buffer {
  const { width, height } = CHART_SIZE;
  const r = new Raster(width, height);
  r.text(40, 24, `OPSDESK MONTHLY REVIEW  ${input.month}`, INK, 3);

  // Panel 1: tickets opened per day.
  const p1 = { x: 80, y: 110, w: width - 120, h: 220 };
  r.text(40, 78, 'TICKETS OPENED PER DAY', INK, 2);
  legend(r, width - 40, 76, [[BAR, 'WORKING DAY'], [BAR_OFF, 'WEEKEND'], [HOLIDAY, 'HOLIDAY']]);
  const max = Math.max(0, ...input.days.map((d) => d.opened));
  const { top, step } = niceMax(max);
  for (let v = 0; v <= top; v += step) {
    const y = p1.y + p1.h - (v / top) * p1.h;
    r.line(p1.x, y, p1.x + p1.w, y, GRID);
    const label = String(v);
    r.text(p1.x - 10 - Raster.textWidth(label, 2), y - 7, label, MUTED, 2);
  }
  const slot = p1.w / Math.max(1, input.days.length);
  input.days.forEach((d, i) => {
    const h = top > 0 ? (d.opened / top) * p1.h : 0;
    const x = p1.x + i * slot + slot * 0.15;
    r.rect(x, p1.y + p1.h - h, slot * 0.7, h, d.holiday ? HOLIDAY : d.working ? BAR : BAR_OFF);
    if (d.opened > 0) r.textCentred(x + slot * 0.35, p1.y + p1.h - h - 10, String(d.opened), INK, 1);
    r.textCentred(x + slot * 0.35, p1.y + p1.h + 8, String(Number(d.date.slice(8))), d.holiday ? HOLIDAY : MUTED, 1);
  });
  r.line(p1.x, p1.y + p1.h, p1.x + p1.w, p1.y + p1.h, INK, 2);

  // Panel 2: SLA compliance per week.
  const p2 = { x: 80, y: 410, w: width - 120, h: 180 };
  r.text(40, 372, 'SLA COMPLIANCE PER WEEK (%)', INK, 2);
  legend(r, width - 40, 370, [[RESPONSE, 'RESPONSE'], [RESOLUTION, 'RESOLUTION']]);
  for (const v of [0, 25, 50, 75, 100]) {
    const y = p2.y + p2.h - (v / 100) * p2.h;
    r.line(p2.x, y, p2.x + p2.w, y, GRID);
    r.text(p2.x - 10 - Raster.textWidth(String(v), 2), y - 7, String(v), MUTED, 2);
  }
  const weeks = input.weeks;
  const wx = (i: number) => p2.x + (weeks.length === 1 ? p2.w / 2 : 30 + (i * (p2.w - 60)) / Math.max(1, weeks.length - 1));
  const wy = (pct: number) => p2.y + p2.h - (pct / 100) * p2.h;
  weeks.forEach((w, i) => r.textCentred(wx(i), p2.y + p2.h + 10, w.label, MUTED, 2));
  r.text(p2.x, height - 14, 'WEEKS START ON MONDAY - A TARGET COUNTS IN THE WEEK IT WAS MET OR FELL DUE', MUTED, 1);
  const series: [Rgb, (w: ChartInput['weeks'][number]) => number | null, number][] = [
    [RESPONSE, (w) => w.responsePct, -1],
    [RESOLUTION, (w) => w.resolutionPct, 1],
  ];
  for (const [color, value, labelSide] of series) {
    let prev: [number, number] | undefined;
    weeks.forEach((w, i) => {
      const pct = value(w);
      if (pct === null) {
        prev = undefined;
        return;
      }
      const point: [number, number] = [wx(i), wy(pct)];
      if (prev) r.line(prev[0], prev[1], point[0], point[1], color, 3);
      prev = point;
    });
    weeks.forEach((w, i) => {
      const pct = value(w);
      if (pct === null) return;
      r.dot(wx(i), wy(pct), 5, color);
      r.textCentred(wx(i), wy(pct) + (labelSide < 0 ? -20 : 10), `${Math.round(pct)}`, color, 1);
    });
  }
  r.line(p2.x, p2.y + p2.h, p2.x + p2.w, p2.y + p2.h, INK, 2);
  if (weeks.length === 0) r.textCentred(p2.x + p2.w / 2, p2.y + p2.h / 2, 'NO SLA TARGETS FELL DUE THIS MONTH', MUTED, 2);
  if (max === 0) r.textCentred(p1.x + p1.w / 2, p1.y + p1.h / 2, 'NO TICKETS THIS MONTH', MUTED, 2);
  return encodePng(width, height, r.data);
}
