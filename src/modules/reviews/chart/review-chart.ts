// The review chart: tickets opened per day (bars; working days, weekends and holidays in their own
// colours) and SLA compliance per week (response and resolution lines, 0–100 %), in the reader's
// language. Drawn by ECharts' server-side SVG renderer and rasterised to PNG by resvg with a vendored
// Noto Sans CJK SC subset (fonts/, OFL), so Chinese labels render on any machine, without system fonts.
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { BarChart, LineChart } from 'echarts/charts';
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { Translate } from '../../../platform/i18n.js';
import '../reviews.chart.i18n.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, GraphicComponent, SVGRenderer]);

export interface ChartInput {
  month: string;
  days: { date: string; opened: number; working: boolean; holiday: boolean }[];
  weeks: { label: string; responsePct: number | null; resolutionPct: number | null }[];
}

export const CHART_SIZE = { width: 960, height: 640 } as const;

/** The one font the chart uses: Latin and GB2312 Chinese in one face. */
export const CHART_FONT = { family: 'Noto Sans CJK SC', file: fileURLToPath(new URL('./fonts/NotoSansCJKsc-Regular-GB2312.otf', import.meta.url)) } as const;

const INK = '#212529';
const MUTED = '#787e86';
const GRID = '#e2e6ea';
const BAR = '#3478c6';
const BAR_OFF = '#a0bad6';
const HOLIDAY = '#e67e22';
const RESPONSE = '#27ae60';
const RESOLUTION = '#3478c6';

/** A round axis maximum at or above `max` (1, 2, 5 × 10^n steps, four grid lines). */
export function niceMax(max: number): { top: number; step: number } {
  if (max <= 4) return { top: 4, step: 1 };
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  return { top: step * Math.ceil(max / step), step };
}

/** The ECharts option of a month's chart (exported for tests: the labels a reader sees). */
export function chartOption(input: ChartInput, tr: Translate): echarts.EChartsCoreOption {
  const { width } = CHART_SIZE;
  const p1 = { left: 70, right: 40, top: 110, height: 210 };
  const p2 = { left: 70, right: 40, top: 430, height: 150 };
  const max = Math.max(0, ...input.days.map((d) => d.opened));
  const { top, step } = niceMax(max);
  const kind = (d: ChartInput['days'][number]) => (d.holiday ? 'holiday' : d.working ? 'working' : 'off');
  const daySeries = (name: string, colour: string, which: string) => ({
    type: 'bar',
    name,
    stack: 'day',
    barWidth: '70%',
    itemStyle: { color: colour },
    label: { show: true, position: 'top', color: INK, fontSize: 11, formatter: (p: { value: number | null }) => (p.value ? String(p.value) : '') },
    data: input.days.map((d) => (kind(d) === which ? d.opened : null)),
  });
  const weekSeries = (name: string, colour: string, pick: (w: ChartInput['weeks'][number]) => number | null, labelAt: 'top' | 'bottom') => ({
    type: 'line',
    name,
    xAxisIndex: 1,
    yAxisIndex: 1,
    connectNulls: false,
    symbol: 'circle',
    symbolSize: 9,
    lineStyle: { color: colour, width: 3 },
    itemStyle: { color: colour },
    label: { show: true, position: labelAt, color: colour, fontSize: 11, formatter: (p: { value: number | null }) => (p.value === null ? '' : `${Math.round(p.value)}%`) },
    data: input.weeks.map(pick),
  });
  const labels = {
    working: tr('review.chart.working_day'),
    off: tr('review.chart.weekend'),
    holiday: tr('review.chart.holiday'),
    response: tr('review.chart.response'),
    resolution: tr('review.chart.resolution'),
  };
  const empty = (text: string, topPx: number, heightPx: number) => ({
    type: 'text',
    left: 'center',
    top: topPx + heightPx / 2 - 10,
    style: { text, fill: MUTED, fontSize: 16, fontFamily: CHART_FONT.family },
  });
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT.family, color: INK },
    title: [
      { text: tr('review.chart.title', { month: input.month }), left: 36, top: 20, textStyle: { fontSize: 22, fontWeight: 'normal', color: INK } },
      { text: tr('review.chart.per_day'), left: 36, top: 72, textStyle: { fontSize: 15, fontWeight: 'normal', color: INK } },
      { text: tr('review.chart.per_week'), left: 36, top: 380, textStyle: { fontSize: 15, fontWeight: 'normal', color: INK } },
      { text: tr('review.chart.footnote'), left: 70, bottom: 10, textStyle: { fontSize: 11, fontWeight: 'normal', color: MUTED } },
    ],
    legend: [
      { data: [labels.working, labels.off, labels.holiday], right: 40, top: 72, itemWidth: 14, itemHeight: 14, textStyle: { fontSize: 13, color: INK } },
      { data: [labels.response, labels.resolution], right: 40, top: 380, itemWidth: 22, itemHeight: 10, textStyle: { fontSize: 13, color: INK } },
    ],
    grid: [p1, p2].map((p) => ({ ...p, width: width - p.left - p.right, containLabel: false })),
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: input.days.map((d) => String(Number(d.date.slice(8)))),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: INK, width: 2 } },
        axisLabel: { interval: 0, fontSize: 11, color: (_: unknown, i: number) => (input.days[i]?.holiday ? HOLIDAY : MUTED) },
      },
      {
        type: 'category',
        gridIndex: 1,
        data: input.weeks.map((w) => w.label),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: INK, width: 2 } },
        axisLabel: { interval: 0, fontSize: 13, color: MUTED },
      },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: top, interval: step, axisLabel: { fontSize: 13, color: MUTED }, splitLine: { lineStyle: { color: GRID } } },
      { type: 'value', gridIndex: 1, min: 0, max: 100, interval: 25, axisLabel: { fontSize: 13, color: MUTED, formatter: '{value}%' }, splitLine: { lineStyle: { color: GRID } } },
    ],
    series: [
      daySeries(labels.working, BAR, 'working'),
      daySeries(labels.off, BAR_OFF, 'off'),
      daySeries(labels.holiday, HOLIDAY, 'holiday'),
      weekSeries(labels.response, RESPONSE, (w) => w.responsePct, 'top'),
      weekSeries(labels.resolution, RESOLUTION, (w) => w.resolutionPct, 'bottom'),
    ],
    graphic: [
      ...(max === 0 ? [empty(tr('review.chart.no_tickets'), p1.top, p1.height)] : []),
      ...(input.weeks.length === 0 ? [empty(tr('review.chart.no_targets'), p2.top, p2.height)] : []),
    ],
  };
}

/** The chart as SVG text, drawn by ECharts' server-side renderer. */
export function reviewChartSvg(input: ChartInput, tr: Translate): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_SIZE.width, height: CHART_SIZE.height });
  try {
    chart.setOption(chartOption(input, tr));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Renders the chart of a month as a PNG, in the language of `tr`. */
export function renderReviewChart(input: ChartInput, tr: Translate): Buffer {
  const resvg = new Resvg(reviewChartSvg(input, tr), {
    background: '#ffffff',
    fitTo: { mode: 'original' },
    font: { fontFiles: [CHART_FONT.file], loadSystemFonts: false, defaultFontFamily: CHART_FONT.family, sansSerifFamily: CHART_FONT.family },
  });
  return resvg.render().asPng();
}
