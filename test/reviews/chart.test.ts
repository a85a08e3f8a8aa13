// The review chart: a valid PNG that decodes with node:zlib, of the right size, actually drawn.
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../src/modules/reviews/chart/png.js';
import { Raster } from '../../src/modules/reviews/chart/raster.js';
import { CHART_SIZE, niceMax, renderReviewChart } from '../../src/modules/reviews/chart/review-chart.js';
import { colours, decodePng } from './png.js';

const days = Array.from({ length: 31 }, (_, i) => ({ date: `2026-10-${String(i + 1).padStart(2, '0')}`, opened: (i * 7) % 13, working: i > 6, holiday: i <= 6 }));
const weeks = [
  { label: '10-01', responsePct: 90, resolutionPct: 80 },
  { label: '10-05', responsePct: 100, resolutionPct: null },
];

describe('review chart', () => {
  it('computes CRC-32 as PNG does', () => {
    expect(crc32(Buffer.from('IEND', 'ascii'))).toBe(0xae426082);
  });

  it('encodes a tiny image that decodes back to its pixels', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
    const png = decodePng(encodePng(2, 2, rgba));
    expect(png).toMatchObject({ width: 2, height: 2, bitDepth: 8, colorType: 6, chunks: ['IHDR', 'IDAT', 'IEND'] });
    expect([...png.pixels]).toEqual([...rgba]);
  });

  it('renders the month as a valid PNG of the chart size with real drawing in it', () => {
    const bytes = renderReviewChart({ month: '2026-10', days, weeks });
    const png = decodePng(bytes);
    expect(png).toMatchObject({ width: CHART_SIZE.width, height: CHART_SIZE.height, bitDepth: 8, colorType: 6 });
    expect(bytes.length).toBeGreaterThan(5_000);
    expect(colours(png)).toBeGreaterThanOrEqual(6); // background, ink, grid, bars, holidays, two lines
  });

  it('renders an empty month too', () => {
    const png = decodePng(renderReviewChart({ month: '2026-06', days: days.slice(0, 30).map((d) => ({ ...d, opened: 0 })), weeks: [] }));
    expect(png.width).toBe(CHART_SIZE.width);
    expect(colours(png)).toBeGreaterThan(2);
  });

  it('picks round axis maxima', () => {
    expect(niceMax(0)).toEqual({ top: 4, step: 1 });
    expect(niceMax(22)).toEqual({ top: 30, step: 10 });
    expect(niceMax(7)).toEqual({ top: 8, step: 2 });
    expect(niceMax(3400)).toEqual({ top: 4000, step: 1000 });
  });

  it('measures text as it draws it', () => {
    expect(Raster.textWidth('AB', 2)).toBe(22);
    const r = new Raster(20, 10, [0, 0, 0]);
    r.text(0, 0, '1', [255, 255, 255]);
    expect(r.data[(0 * 20 + 2) * 4]).toBe(255); // the top of the "1" is in column 2
  });
});
