// The review's figures against a hand-computed fixture (see fixture.ts for the story of each ticket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReview, figureRows, type Review } from '../../src/modules/reviews/reviews.figures.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';
import { fixtureConfig, loadFixture, sh } from './fixture.js';

const counts = (opened: number, resolved: number, openAtEnd: number, cancelled = 0) => ({ opened, resolved, openAtEnd, cancelled });

describe(`monthly review figures (${storeName})`, () => {
  let store: TestStore;
  let october: Review;
  const config = fixtureConfig();

  beforeAll(async () => {
    store = await openTestStore();
    await loadFixture(store.db);
    october = await computeReview(store.db, config, '2026-10', sh('2026-11-01T09:00'));
  });
  afterAll(async () => store?.dispose());

  it('counts a month with a holiday in working days: 1–7 October off, Saturday the 10th on', () => {
    expect(october.current.workingDays).toBe(18);
    expect(october.current.holidays).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(october.previous).toMatchObject({ month: '2026-09', workingDays: 22, holidays: [] });
    const days = new Map(october.days.map((d) => [d.date, d]));
    expect(days.get('2026-10-05')).toEqual({ date: '2026-10-05', opened: 1, working: false, holiday: true });
    expect(days.get('2026-10-10')).toMatchObject({ working: true, holiday: false });
    expect(days.get('2026-10-11')).toMatchObject({ working: false, holiday: false });
  });

  it('counts tickets opened, resolved, cancelled and still open at month end, by the month of each event', () => {
    expect(october.current.totals).toEqual(counts(4, 4, 2, 1));
    expect(october.previous.totals).toEqual(counts(2, 1, 2));
  });

  it('breaks them down by priority and category', () => {
    expect(october.current.byPriority).toEqual({ P1: counts(1, 1, 0), P2: counts(1, 1, 0), P3: counts(2, 2, 1, 1), P4: counts(0, 0, 1) });
    expect(october.current.byCategory).toEqual({
      network: counts(1, 2, 0, 1),
      pos: counts(1, 1, 0),
      software: counts(1, 0, 1),
      hardware: counts(1, 1, 0),
      other: counts(0, 0, 1),
    });
    expect(october.previous.byCategory).toEqual({ network: counts(2, 1, 1), other: counts(0, 0, 1) });
  });

  it('judges each SLA target in the month it was met or fell due (a ticket crossing the month boundary included)', () => {
    // A's response fell due on 30 September; its resolution was met on 1 October.
    expect(october.current.response).toEqual({ met: 2, breached: 1, pct: 66.7 });
    expect(october.previous.response).toEqual({ met: 1, breached: 1, pct: 50 });
    expect(october.current.resolution).toEqual({ met: 2, breached: 2, pct: 50 });
    expect(october.previous.resolution).toEqual({ met: 1, breached: 0, pct: 100 });
  });

  it('gives MTTA and MTTR as median and p90 in minutes', () => {
    expect(october.current.mtta).toEqual({ median: 35, p90: 54 });
    expect(october.current.mttr).toEqual({ median: 615, p90: 2214 });
    expect(october.previous.mtta).toEqual({ median: 20, p90: 20 });
    expect(october.previous.mttr).toEqual({ median: 300, p90: 300 });
  });

  it('lists breaches with their reasons, keeping a breach that was later extended with consent', () => {
    expect(october.breaches).toEqual([
      expect.objectContaining({ key: 'OPS-G', lateMinutes: 1440, extendedAfterBreach: true, plan: 'replace disk' }),
      expect.objectContaining({ key: 'OPS-C', lateMinutes: 180, extendedAfterBreach: false, plan: null, cause: 'switch failure' }),
    ]);
    expect(october.current.extensions).toEqual({ count: 1, breachedBefore: 1 });
    expect(october.previous.extensions).toEqual({ count: 0, breachedBefore: 0 });
    expect(october.extensionList).toEqual([expect.objectContaining({ key: 'OPS-G', consentedBy: 'Mr Wang', consentMethod: 'phone', breachedBefore: true })]);
  });

  it('reports visit orders: count, on-time arrivals, late notices in time, no contact, rating', () => {
    expect(october.current.visits).toEqual({ orders: 2, arrived: 1, onTime: 1, onTimePct: 100, lateNotices: 3, lateNoticesInTime: 2, lateNoticesInTimePct: 66.7, noContact: 1, rated: 1, avgRating: 5 });
    expect(october.previous.visits).toMatchObject({ orders: 1, arrived: 1, onTime: 0, onTimePct: 0, lateNoticesInTimePct: null, rated: 1, avgRating: 3 });
  });

  it('reports patrol completion on time and abnormal items', () => {
    expect(october.current.patrols).toEqual({ runs: 3, submitted: 2, onTime: 1, completionPct: 33.3, abnormalItems: 1 });
    expect(october.previous.patrols).toEqual({ runs: 1, submitted: 1, onTime: 1, completionPct: 100, abnormalItems: 0 });
    expect(october.abnormalItems).toEqual([{ checklist: 'morning', date: '2026-10-08', item: 'item 1', ticket: null }]);
  });

  it('ranks fault categories with their change from the month before', () => {
    expect(october.topFaults).toEqual([
      { category: 'network', count: 3, change: 2 },
      { category: 'hardware', count: 1, change: 1 },
    ]);
  });

  it('gives tickets per day and SLA compliance per week for the chart', () => {
    expect(october.days).toHaveLength(31);
    expect(october.days.filter((d) => d.opened > 0).map((d) => [d.date, d.opened])).toEqual([
      ['2026-10-05', 1],
      ['2026-10-12', 1],
      ['2026-10-15', 1],
      ['2026-10-31', 1],
    ]);
    expect(october.weeks).toEqual([
      { week: '2026-09-28', label: '10-01', responsePct: null, resolutionPct: 100 },
      { week: '2026-10-05', label: '10-05', responsePct: 100, resolutionPct: 100 },
      { week: '2026-10-12', label: '10-12', responsePct: 50, resolutionPct: 0 },
    ]);
  });

  it('flattens into rows with the month-on-month change of each figure', () => {
    const rows = figureRows(october);
    const row = (section: string, metric: string, key = '') => rows.find((r) => r.section === section && r.metric === metric && r.key === key);
    expect(row('tickets', 'opened', 'all')).toEqual({ section: 'tickets', metric: 'opened', key: 'all', current: 4, previous: 2, change: 2 });
    expect(row('sla', 'response_compliance_pct')).toMatchObject({ current: 66.7, previous: 50, change: 16.7 });
    expect(row('sla', 'mttr_median_min')).toMatchObject({ current: 615, previous: 300, change: 315 });
    expect(row('patrols', 'completionPct')).toMatchObject({ current: 33.3, previous: 100, change: -66.7 });
    expect(row('visits', 'avgRating')).toMatchObject({ current: 5, previous: 3, change: 2 });
    expect(row('calendar', 'working_days')).toMatchObject({ current: 18, previous: 22, change: -4 });
  });

  it('gives an empty month zeros, unknown percentages and no lists', async () => {
    const june = await computeReview(store.db, config, '2026-06', sh('2026-11-01T09:00'));
    expect(june.current.totals).toEqual(counts(0, 0, 0));
    expect(june.current.response).toEqual({ met: 0, breached: 0, pct: null });
    expect(june.current.mtta).toEqual({ median: null, p90: null });
    expect(june.current.patrols.completionPct).toBeNull();
    expect(june.breaches).toEqual([]);
    expect(june.weeks).toEqual([]);
    expect(june.topFaults).toEqual([]);
    expect(june.days).toHaveLength(30);
    expect(june.days.every((d) => d.opened === 0)).toBe(true);
    expect(figureRows(june).find((r) => r.metric === 'response_compliance_pct' && r.section === 'sla')).toMatchObject({ current: null, change: null });
  });

  it('judges the month in progress as of now: a target not yet due is pending, not breached', async () => {
    const november = await computeReview(store.db, config, '2026-11', sh('2026-11-01T12:00'));
    expect(november.asOf).toBe(sh('2026-11-01T12:00').toISOString());
    expect(november.current.response).toEqual({ met: 0, breached: 1, pct: 0 }); // D: due at midnight, not acknowledged
    expect(november.current.resolution).toEqual({ met: 0, breached: 0, pct: null }); // D: due 22:00
    expect(november.current.totals.openAtEnd).toBe(2);
    expect(november.previous.totals).toEqual(october.current.totals);
  });
});
