// The review chart: a PNG of the chart size with real drawing in it, in the reader's language, matching
// a golden image per language within a tolerance. The goldens were written by the renderer and checked
// by eye (Chinese glyphs, not boxes); after an intended change of the chart, rewrite them with
//   UPDATE_GOLDEN=1 npx vitest run test/reviews/chart.test.ts
// and look at test/fixtures/review-chart/*.png before committing them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CHART_FONT, CHART_SIZE, chartOption, niceMax, renderReviewChart, reviewChartSvg, type ChartInput } from '../../src/modules/reviews/chart/review-chart.js';
import { translator, type Locale } from '../../src/platform/i18n.js';
import { colours, decodePng, differingPixels, inkIn } from './png.js';

// October 2026 in China: National Day 1–7, make-up working Saturday the 10th.
const days: ChartInput['days'] = Array.from({ length: 31 }, (_, i) => {
  const date = `2026-10-${String(i + 1).padStart(2, '0')}`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const holiday = i < 7;
  return { date, opened: (i * 7) % 13, holiday, working: !holiday && (weekday % 6 !== 0 || date === '2026-10-10') };
});
const weeks: ChartInput['weeks'] = [
  { label: '09-28', responsePct: 90, resolutionPct: 80 },
  { label: '10-05', responsePct: 100, resolutionPct: null },
  { label: '10-12', responsePct: 95.5, resolutionPct: 87 },
  { label: '10-19', responsePct: 70, resolutionPct: 60 },
  { label: '10-26', responsePct: 100, resolutionPct: 100 },
];
const input: ChartInput = { month: '2026-10', days, weeks };
const GOLDEN_DIR = new URL('../fixtures/review-chart/', import.meta.url);
/** At most this share of pixels may differ (anti-aliasing of another resvg build, not a changed chart). */
const TOLERANCE = 0.002;

describe('review chart', () => {
  it('renders the month as a PNG of the chart size with bars, lines and text in it', () => {
    const bytes = renderReviewChart(input, translator('en'));
    const png = decodePng(bytes);
    expect(png).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height, bitDepth: 8, colorType: 6 });
    expect(colours(png)).toBeGreaterThanOrEqual(6); // background, ink, grid, bars, holidays, two lines
    expect(inkIn(png, 0, 0, 960, 60)).toBeGreaterThan(500); // the title
    expect(inkIn(png, 70, 110, 920, 320)).toBeGreaterThan(20_000); // the bars
    expect(inkIn(png, 70, 430, 920, 580)).toBeGreaterThan(2_000); // the lines
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`matches the golden image in ${locale}`, () => {
      const bytes = renderReviewChart(input, translator(locale));
      const file = new URL(`${locale}.png`, GOLDEN_DIR);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        if (process.env.CI) throw new Error(`no golden image ${file.pathname}: write it with UPDATE_GOLDEN=1 and check it by eye`);
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, bytes);
      }
      const golden = decodePng(readFileSync(file));
      const diff = differingPixels(decodePng(bytes), golden);
      expect(diff / (CHART_SIZE.width * CHART_SIZE.height)).toBeLessThan(TOLERANCE);
    });
  }

  it('tells the languages apart: the goldens differ in their labels, not in their data', () => {
    const en = decodePng(renderReviewChart(input, translator('en')));
    const zh = decodePng(renderReviewChart(input, translator('zh-CN')));
    expect(differingPixels(en, zh)).toBeGreaterThan(4 * TOLERANCE * CHART_SIZE.width * CHART_SIZE.height); // far beyond the goldens' tolerance
    expect(differingPixels(en, zh)).toBeLessThan(CHART_SIZE.width * CHART_SIZE.height * 0.05);
  });

  it('labels, titles and legends are in the reader\'s language, never a raw key', () => {
    const labels = (locale: Locale) => {
      const o = chartOption(input, translator(locale)) as { title: { text: string }[]; legend: { data: string[] }[]; series: { name: string }[] };
      return [...o.title.map((t) => t.text), ...o.legend.flatMap((l) => l.data), ...o.series.map((s) => s.name)];
    };
    expect(labels('zh-CN')).toEqual(expect.arrayContaining(['opsdesk 月度回顾 · 2026-10', '每日新建工单数', '每周 SLA 达标率', '工作日', '周末', '节假日', '响应', '解决']));
    expect(labels('en')).toEqual(expect.arrayContaining(['opsdesk monthly review · 2026-10', 'Tickets opened per day', 'Working day', 'Weekend', 'Holiday', 'Response', 'Resolution']));
    for (const locale of ['en', 'zh-CN'] as const) expect(labels(locale).join('|')).not.toMatch(/review\.chart\./);
    const svg = reviewChartSvg(input, translator('zh-CN'));
    expect(svg).toContain('节假日');
    expect(svg).toContain(CHART_FONT.family);
  });

  it('draws Chinese text with the shipped font: without it the labels vanish', () => {
    expect(existsSync(CHART_FONT.file)).toBe(true);
    const zh = decodePng(renderReviewChart(input, translator('zh-CN')));
    const svg = reviewChartSvg(input, translator('zh-CN'));
    const noFont = decodePng(new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false } }).render().asPng());
    // The panel titles are text only: ink where they stand with the font, none without it.
    expect(inkIn(zh, 36, 72, 300, 96)).toBeGreaterThan(300);
    expect(inkIn(zh, 36, 380, 300, 404)).toBeGreaterThan(300);
    expect(inkIn(noFont, 36, 72, 300, 96)).toBe(0);
  });

  it('renders an empty month with its notes', () => {
    const empty = { month: '2026-06', days: days.slice(0, 30).map((d) => ({ ...d, date: d.date.replace('-10-', '-06-'), opened: 0 })), weeks: [] };
    const png = decodePng(renderReviewChart(empty, translator('zh-CN')));
    expect(png.width).toBe(CHART_SIZE.width);
    expect(inkIn(png, 380, 200, 580, 230)).toBeGreaterThan(100); // 本月没有工单
    const o = chartOption(empty, translator('zh-CN')) as { graphic: { style: { text: string } }[] };
    expect(o.graphic.map((g) => g.style.text)).toEqual(['本月没有工单', '本月没有到期的 SLA 目标']);
    expect((chartOption(input, translator('zh-CN')) as { graphic: unknown[] }).graphic).toEqual([]);
  });

  it('picks round axis maxima', () => {
    expect(niceMax(0)).toEqual({ top: 4, step: 1 });
    expect(niceMax(22)).toEqual({ top: 30, step: 10 });
    expect(niceMax(7)).toEqual({ top: 8, step: 2 });
    expect(niceMax(3400)).toEqual({ top: 4000, step: 1000 });
  });
});
