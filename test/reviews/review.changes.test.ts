// Change requests in the monthly review and in `export changes`: counts, success rate, rollbacks,
// emergencies and overruns of the changes whose window starts in the month, and each change listed
// with its window and outcome.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/cli/export.js';
import '../../src/modules/changes/index.js';
import type { ChangeState } from '../../src/modules/changes/changes.rules.js';
import { changeNotices, changes } from '../../src/modules/changes/changes.table.js';
import { computeReview, figureRows, type Review } from '../../src/modules/reviews/reviews.figures.js';
import '../../src/modules/reviews/reviews.i18n.js';
import { reviewMessage } from '../../src/modules/reviews/slack/views.js';
import { translator } from '../../src/platform/i18n.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';
import { fixtureConfig, sh } from './fixture.js';

const change = (key: string, start: string, end: string, state: ChangeState, opts: { emergency?: boolean; title?: string } = {}) => ({
  key,
  title: opts.title ?? `Change ${key}`,
  systems: ['core-switch', 'pos'],
  systemKeys: ['core-switch', 'pos'],
  description: 'd',
  reason: 'r',
  risk: 'medium' as const,
  impact: 'i',
  testEvidence: 't',
  plan: 'p',
  rollbackPlan: 'rb',
  windowStart: sh(start),
  windowEnd: sh(end),
  requester: 'U0DORA',
  implementer: 'U0BOB',
  state,
  emergency: opts.emergency ?? false,
  emergencyReason: opts.emergency ? 'store down' : null,
  createdAt: sh('2026-09-01T10:00'),
  updatedAt: sh('2026-09-01T10:00'),
});

/** Writes an export to a string. */
async function csvOf(store: TestStore, name: string, opts: { month?: string; from?: string; to?: string }): Promise<string[][]> {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  await exportCsv(store.db, name, { ...opts, timezone: 'Asia/Shanghai', config: fixtureConfig(), now: sh('2026-11-01T09:00') }, sink);
  expect(out.startsWith('\uFEFF')).toBe(true); // UTF-8 with a BOM, so Excel reads Chinese right
  return out.slice(1).trimEnd().split('\r\n').map(cells);
}

/** One CSV line's cells (quoted cells may hold commas and doubled quotes; no line breaks here). */
function cells(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
    out.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
    if (m[2] === '') break;
  }
  return out;
}

describe(`changes in the monthly review and export changes (${storeName})`, () => {
  let store: TestStore;
  let october: Review;

  beforeAll(async () => {
    store = await openTestStore();
    const rows = await store.db
      .insert(changes)
      .values([
        change('CHG-2026-1', '2026-09-20T22:00', '2026-09-20T23:00', 'done'), // September
        change('CHG-2026-2', '2026-09-30T23:00', '2026-10-01T01:00', 'rolled_back'), // starts in September: September's
        change('CHG-2026-3', '2026-10-01T00:00', '2026-10-01T02:00', 'done', { title: 'Firmware, "9.4"' }), // first instant of October (Shanghai)
        change('CHG-2026-4', '2026-10-10T22:00', '2026-10-10T23:00', 'done', { emergency: true }),
        change('CHG-2026-5', '2026-10-15T22:00', '2026-10-15T23:00', 'rolled_back'),
        change('CHG-2026-6', '2026-10-20T22:00', '2026-10-20T23:00', 'done'), // overran its window
        change('CHG-2026-7', '2026-10-25T22:00', '2026-10-25T23:00', 'rejected'),
        change('CHG-2026-8', '2026-10-28T22:00', '2026-10-28T23:00', 'cancelled', { emergency: true }),
        change('CHG-2026-9', '2026-10-31T23:30', '2026-11-01T01:00', 'scheduled'),
        change('CHG-2026-10', '2026-11-01T00:00', '2026-11-01T02:00', 'scheduled'), // November
      ])
      .returning({ id: changes.id, key: changes.key });
    const id = (key: string) => rows.find((r) => r.key === key)!.id;
    await store.db.insert(changeNotices).values([
      { changeId: id('CHG-2026-6'), stage: 'reminder', at: sh('2026-10-20T21:30') },
      { changeId: id('CHG-2026-6'), stage: 'overrun', at: sh('2026-10-20T23:00') },
    ]);
    october = await computeReview(store.db, fixtureConfig(), '2026-10', sh('2026-11-01T09:00'));
  });
  afterAll(async () => store?.dispose());

  it('counts the changes whose window starts in the month: success rate, rollbacks, emergencies, overruns', () => {
    expect(october.current.changes).toEqual({ total: 7, done: 3, rolledBack: 1, rejected: 1, cancelled: 1, emergencies: 2, overruns: 1, successPct: 75 });
    expect(october.previous.changes).toEqual({ total: 2, done: 1, rolledBack: 1, rejected: 0, cancelled: 0, emergencies: 0, overruns: 0, successPct: 50 });
  });

  it('lists each change of the month with its window and outcome, earliest first', () => {
    expect(october.changeList.map((c) => [c.key, c.state, c.emergency, c.overran])).toEqual([
      ['CHG-2026-3', 'done', false, false],
      ['CHG-2026-4', 'done', true, false],
      ['CHG-2026-5', 'rolled_back', false, false],
      ['CHG-2026-6', 'done', false, true],
      ['CHG-2026-7', 'rejected', false, false],
      ['CHG-2026-8', 'cancelled', true, false],
      ['CHG-2026-9', 'scheduled', false, false],
    ]);
    expect(october.changeList[0]).toMatchObject({ windowStart: sh('2026-10-01T00:00').toISOString(), windowEnd: sh('2026-10-01T02:00').toISOString() });
  });

  it('flattens the counts (with last month) and the list into the review CSV rows', () => {
    const rows = figureRows(october);
    expect(rows.find((r) => r.section === 'changes' && r.metric === 'successPct')).toEqual({ section: 'changes', metric: 'successPct', key: '', current: 75, previous: 50, change: 25 });
    expect(rows.find((r) => r.section === 'changes' && r.metric === 'total')).toMatchObject({ current: 7, previous: 2, change: 5 });
    const of = (key: string) => Object.fromEntries(rows.filter((r) => r.section === 'change_list' && r.key === key).map((r) => [r.metric, r.current]));
    expect(of('CHG-2026-6')).toEqual({ window_start: sh('2026-10-20T22:00').toISOString(), window_end: sh('2026-10-20T23:00').toISOString(), state: 'done', risk: 'medium', emergency: 0, overran: 1 });
  });

  it('shows the changes in the review post, in English and Chinese', () => {
    const en = JSON.stringify(reviewMessage(october, translator('en')).blocks);
    expect(en).toContain(':gear: Change requests');
    expect(en).toContain('*Success rate*\\n75% (+25pp) · 3 done of 4 finished');
    expect(en).toContain('*Overran their window*\\n1 (+1)');
    expect(en).toMatch(/\*CHG-2026-6\* Change CHG-2026-6 — <!date\^\d+\^[^>]*> – <!date\^\d+\^[^>]*> · \*Done\* · overran/);
    expect(en).toContain('*CHG-2026-5* Change CHG-2026-5');
    expect(en).toContain('*Rolled back*');
    const zh = JSON.stringify(reviewMessage(october, translator('zh-CN')).blocks);
    expect(zh).toContain(':gear: 变更');
    expect(zh).toContain('已结束 4 个，成功 3 个');
    expect(zh).toContain('*已回退*');
  });

  it('exports the month\'s changes as CSV, one row per change with its window, outcome and overrun', async () => {
    const csv = await csvOf(store, 'changes', { month: '2026-10' });
    const header = csv[0]!;
    expect(header.slice(0, 12)).toEqual(['key', 'title', 'systems', 'risk', 'emergency', 'emergency_reason', 'freeze_reason', 'state', 'outcome', 'overran', 'window_start', 'window_end']);
    const rows = csv.slice(1);
    expect(rows.map((r) => r[0])).toEqual(['CHG-2026-3', 'CHG-2026-4', 'CHG-2026-5', 'CHG-2026-6', 'CHG-2026-7', 'CHG-2026-8', 'CHG-2026-9']);
    const row = (key: string) => Object.fromEntries(header.map((h, i) => [h, csv.find((r) => r[0] === key)![i]]));
    expect(row('CHG-2026-6')).toMatchObject({ state: 'done', outcome: 'success', overran: '1', emergency: '0', window_start: '2026-10-20T22:00:00.000+08:00', window_end: '2026-10-20T23:00:00.000+08:00' });
    expect(row('CHG-2026-5')).toMatchObject({ outcome: 'rolled_back', overran: '0' });
    expect(row('CHG-2026-8')).toMatchObject({ outcome: 'cancelled', emergency: '1', emergency_reason: 'store down' });
    expect(row('CHG-2026-9')).toMatchObject({ state: 'scheduled', outcome: 'open' });
    // A title with a comma and quotes stays one cell; the systems are one cell too.
    expect(rows[0]!.slice(0, 4)).toEqual(['CHG-2026-3', 'Firmware, "9.4"', 'core-switch, pos', 'medium']);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
  });

  it('exports [--from, --to) by window start', async () => {
    const csv = await csvOf(store, 'changes', { from: '2026-09-30T00:00:00+08:00', to: '2026-10-10T22:00:00+08:00' });
    expect(csv.slice(1).map((r) => r[0])).toEqual(['CHG-2026-2', 'CHG-2026-3']);
  });
});
