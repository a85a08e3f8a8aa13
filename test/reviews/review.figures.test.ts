// The review's figures against a hand-computed fixture (see fixture.ts for the story of each ticket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../src/modules/customers/customers.table.js';
import { computeReview, figureRows, type Review } from '../../src/modules/reviews/reviews.figures.js';
import '../../src/modules/reviews/reviews.i18n.js';
import { reviewMessage } from '../../src/modules/reviews/slack/views.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { arrivalPunctuality } from '../../src/modules/visits/visits.rules.js';
import { visitOrders } from '../../src/modules/visits/visits.table.js';
import { translator } from '../../src/platform/i18n.js';
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
    expect(october.current.visits).toEqual({ orders: 2, arrived: 1, onTime: 1, onTimePct: 100, arrivedInTarget: 1, arrivedInTargetPct: 100, lateNotices: 3, lateNoticesInTime: 2, lateNoticesInTimePct: 66.7, noContact: 1, rated: 1, avgRating: 5 });
    expect(october.previous.visits).toMatchObject({ orders: 1, arrived: 1, onTime: 0, onTimePct: 0, arrivedInTarget: 0, arrivedInTargetPct: 0, lateNoticesInTimePct: null, rated: 1, avgRating: 3 });
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

  it('flattens the breaches with their reasons and the extensions with consent into rows, as the post lists them', () => {
    const rows = figureRows(october);
    const of = (section: string, key: string) => Object.fromEntries(rows.filter((r) => r.section === section && r.key === key).map((r) => [r.metric, r.current]));
    expect(of('breaches', 'OPS-G')).toEqual({ late_min: 1440, still_open: 0, reason_kind: 'plan', reason: 'replace disk', extended_after_breach: 1 });
    expect(of('breaches', 'OPS-C')).toEqual({ late_min: 180, still_open: 0, reason_kind: 'cause', reason: 'switch failure', extended_after_breach: 0 });
    expect(of('extensions', 'OPS-G')).toEqual({ plan: 'replace disk', committed_at: sh('2026-10-18T10:00').toISOString(), consented_by: 'Mr Wang', consent_method: 'phone', after_breach: 1 });
    expect(rows.filter((r) => r.section === 'extensions')).toHaveLength(5);
    expect(rows.filter((r) => r.section === 'breaches' || r.section === 'extensions').every((r) => r.previous === null && r.change === null)).toBe(true);
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

describe(`monthly review: top fault categories and arrival punctuality (${storeName})`, () => {
  let store: TestStore;
  let march: Review;
  const config = fixtureConfig();

  beforeAll(async () => {
    store = await openTestStore();
    const db = store.db;
    const [customer] = await db.insert(customers).values({ name: 'Punctual customer', createdAt: sh('2026-01-01T00:00') }).returning();
    let n = 0;
    const ticket = async (opts: { category: string; fault?: string | null; created: string; res?: string }) => {
      const [row] = await db
        .insert(tickets)
        .values({
          key: `OPS-${++n}`, customerId: customer!.id, category: opts.category, faultCategory: opts.fault === undefined ? opts.category : opts.fault, priority: 'P3', title: `Ticket ${n}`,
          state: opts.res ? 'resolved' : 'in_progress', createdBy: 'U0ALICE', responseDueAt: sh(`${opts.created.slice(0, 10)}T23:00`), resolutionDueAt: sh(`${opts.created.slice(0, 10)}T23:30`), expectedAt: sh(`${opts.created.slice(0, 10)}T23:30`),
          acknowledgedAt: sh(opts.created), resolvedAt: opts.res ? sh(opts.res) : null, createdAt: sh(opts.created), updatedAt: sh(opts.res ?? opts.created),
        })
        .returning({ id: tickets.id });
      return row!.id;
    };
    // Resolved in March, by fault category: network 5, hardware 4, pos 3, software 3, printer 2,
    // security 1, account 1 (its fault taken from the category). February: network 2, printer 4, security 6.
    const marchFaults: [string, number][] = [['network', 5], ['hardware', 4], ['pos', 3], ['software', 3], ['printer', 2], ['security', 1]];
    for (const [category, count] of marchFaults) for (let i = 0; i < count; i++) await ticket({ category, created: `2026-03-${String(10 + i).padStart(2, '0')}T09:00`, res: `2026-03-${String(10 + i).padStart(2, '0')}T11:00` });
    await ticket({ category: 'account', fault: null, created: '2026-03-20T09:00', res: '2026-03-20T10:00' });
    const februaryFaults: [string, number][] = [['network', 2], ['printer', 4], ['security', 6]];
    for (const [category, count] of februaryFaults) for (let i = 0; i < count; i++) await ticket({ category, created: `2026-02-${String(10 + i).padStart(2, '0')}T09:00`, res: `2026-02-${String(10 + i).padStart(2, '0')}T11:00` });
    await ticket({ category: 'security', created: '2026-03-25T09:00' }); // opened, not resolved: no fault yet
    await ticket({ category: 'security', created: '2026-03-31T20:00', res: '2026-04-01T09:00' }); // resolved in April
    const visitTicket = await ticket({ category: 'hardware', fault: null, created: '2026-03-01T09:00' });

    // Arrivals against an agreed start of 10:00 on 12 March, recorded as the visits module records them.
    const start = sh('2026-03-12T10:00');
    const seconds = (s: number) => new Date(start.getTime() + s * 1000);
    const arrivals: [string, Date | null][] = [
      ['at-start', seconds(0)], // on time
      ['29s-late', seconds(29)], // late, though its offset rounds to 0 minutes
      ['5m-early', seconds(-300)], // target
      ['10m-early', seconds(-600)], // target
      ['4m59s-early', seconds(-299)], // on time, not the target
      ['10m01s-early', seconds(-601)], // early: on time, not the target
      ['20m-late', seconds(1200)], // late
      ['no-window', null], // arrived with no agreed start: neither
    ];
    for (const [key, arrivedAt] of arrivals) {
      const windowStart = arrivedAt ? start : null;
      const at = arrivedAt ?? sh('2026-03-12T10:00');
      const judged = arrivalPunctuality(at, windowStart, false);
      await db.insert(visitOrders).values({
        key: `VO-${key}`, ticketId: visitTicket, customerId: customer!.id, address: 'Store 3', contactName: 'Li', contactPhone: '13800000000', need: 'disk',
        requestedStart: start, requestedEnd: sh('2026-03-12T12:00'), windowStart, windowEnd: windowStart ? sh('2026-03-12T12:00') : null, state: 'archived', createdBy: 'U0BOB',
        arrivedAt: at, arrivalOffsetMinutes: judged.offsetMinutes, punctuality: judged.punctuality, createdAt: sh('2026-03-11T09:00'), updatedAt: at,
      });
    }
    march = await computeReview(db, config, '2026-03', sh('2026-04-01T09:00'));
  });
  afterAll(async () => store?.dispose());

  it('ranks only the top five fault categories, by count then name, with their change from the month before', () => {
    expect(Object.keys(march.current.faultCategories)).toHaveLength(7);
    expect(march.current.faultCategories.account).toBe(1); // no fault recorded: its category counts
    expect(march.topFaults).toEqual([
      { category: 'network', count: 5, change: 3 },
      { category: 'hardware', count: 4, change: 4 },
      { category: 'pos', count: 3, change: 3 },
      { category: 'software', count: 3, change: 3 },
      { category: 'printer', count: 2, change: -2 },
    ]);
    const rows = figureRows(march).filter((r) => r.section === 'top_fault_categories');
    expect(rows.map((r) => [r.metric, r.key, r.current, r.previous, r.change])).toEqual([
      ['rank_1', 'network', 5, 2, 3],
      ['rank_2', 'hardware', 4, 0, 4],
      ['rank_3', 'pos', 3, 0, 3],
      ['rank_4', 'software', 3, 0, 3],
      ['rank_5', 'printer', 2, 4, -2],
    ]);
  });

  it('posts the same five, in order, and leaves the sixth and seventh out', () => {
    const text = JSON.stringify(reviewMessage(march, translator('en')).blocks);
    const faults = text.slice(text.indexOf('Top fault categories'));
    expect(faults).toContain('1. Network — 5 (+3)\\n2. Hardware — 4 (+4)\\n3. POS / till — 3 (+3)\\n4. Software — 3 (+3)\\n5. Printer — 2 (−2)');
    expect(faults).not.toContain('Security —');
    expect(faults).not.toContain('Account / access —');
  });

  it('counts an arrival on time only at or before the agreed start, to the second, and the 5–10 minutes early target both ends included', () => {
    expect(march.current.visits).toMatchObject({ arrived: 8, onTime: 5, onTimePct: 62.5, arrivedInTarget: 2, arrivedInTargetPct: 25 });
    expect(march.previous.visits).toMatchObject({ arrived: 0, onTime: 0, onTimePct: null, arrivedInTarget: 0, arrivedInTargetPct: null });
    const rows = figureRows(march);
    expect(rows.find((r) => r.section === 'visits' && r.metric === 'arrivedInTarget')).toMatchObject({ current: 2, previous: 0, change: 2 });
    expect(rows.find((r) => r.section === 'visits' && r.metric === 'arrivedInTargetPct')).toMatchObject({ current: 25, previous: null, change: null });
    expect(JSON.stringify(reviewMessage(march, translator('en')).blocks)).toContain('*Arrived 5–10 min early (target)*\\n25% · 2/8');
    expect(JSON.stringify(reviewMessage(march, translator('zh-CN')).blocks)).toContain('*提前 5–10 分钟到达（目标）*\\n25% · 2/8');
  });
});
