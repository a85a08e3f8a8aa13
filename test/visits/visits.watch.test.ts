// visit-watch with an injected clock: re-announce, then escalate, unaccepted orders; flag a missed
// notice — each once, whether the job runs twice for a slot or again for an older one.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { JOBS } from '../../src/services.js';
import { listScheduledStartedBefore, listUnacceptedSince } from '../../src/modules/visits/visits.store.js';
import { watchVisits } from '../../src/modules/visits/visits.watch.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { storeName } from '../support/db.js';
import { DISPATCH, ESCALATION, useHarness, users } from '../support/harness.js';
import { clickVisit, eventKinds, lateValues, newOrder, orderRow, scheduledOrder, submitVisit } from './support.js';

const sh = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

describe(`visit-watch (${storeName})`, () => {
  const h = useHarness({ eachTestAt: sh('2026-11-26T23:40') });

  const watch = async (at: Date) => {
    h.clock.set(at);
    const result = await runJob(h.opsdesk.services, 'visit-watch', at, 'manual');
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    return result.counts;
  };
  const postsAbout = async (key: string) =>
    (await h.store.db.select().from(outbox).orderBy(outbox.id)).filter((r) => r.kind === 'post' && r.payload.text.includes(key)).map((r) => r.channel);

  it('runs every minute', () => {
    expect(JOBS['visit-watch']!.schedules(h.config)).toEqual([{ cron: '* * * * *' }]);
  });

  it('re-announces an order nobody accepted after 30 minutes, then escalates it, each once, across midnight', async () => {
    const { order } = await newOrder(h, { start: sh('2026-11-27T10:00') }, 'nobody takes it');
    const posted = order.createdAt;
    expect(await watch(minutes(posted, 29))).toEqual({ reannounced: 0, escalated: 0, missed: 0 });
    expect(await watch(minutes(posted, 30))).toEqual({ reannounced: 1, escalated: 0, missed: 0 });
    expect(await watch(minutes(posted, 30))).toEqual({ reannounced: 0, escalated: 0, missed: 0 });
    expect(await watch(minutes(posted, 59))).toEqual({ reannounced: 0, escalated: 0, missed: 0 });
    expect(await watch(minutes(posted, 60))).toEqual({ reannounced: 0, escalated: 1, missed: 0 });
    for (const at of [minutes(posted, 60), minutes(posted, 61), minutes(posted, 30), minutes(posted, 240)]) {
      expect(await watch(at)).toEqual({ reannounced: 0, escalated: 0, missed: 0 });
    }
    expect(await postsAbout(order.key)).toEqual([DISPATCH, DISPATCH, ESCALATION]); // the order, its re-announcement, the escalation
    expect(await eventKinds(h, order.id)).toEqual(['created', 'reannounced', 'escalated']);
    const [escalation] = (await h.store.db.select().from(outbox).where(eq(outbox.channel, ESCALATION))).filter((r) => r.payload.text.includes(order.key));
    expect(escalation!.payload.text).toContain(`<@${users.dora.id}>`);
    expect(escalation!.dedupeKey).toBe(`visit:${order.id}:escalate`);
    // every step is an event row and a reply in the order's thread: the re-announcement too, once
    const thread = (await h.store.db.select().from(outbox).where(eq(outbox.targetKey, `visit:${order.id}`))).filter((r) => r.kind === 'reply');
    expect(thread.map((r) => r.dedupeKey)).toEqual([`visit:${order.id}:reannounce:thread`, `visit:${order.id}:escalate:thread`]);
    expect(thread[0]!.payload.text).toContain('re-announced');
    // the re-announcement carries an Accept button that works like the original
    await h.opsdesk.worker.drain();
    await clickVisit(h, users.alice, 'visit.accept', order.id);
    expect((await orderRow(h, order.id)).engineer).toBe(users.alice.id);
  });

  it('leaves accepted orders alone', async () => {
    const { order } = await newOrder(h, { start: sh('2026-11-27T10:00') }, 'taken quickly');
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    expect(await watch(minutes(order.createdAt, 45))).toMatchObject({ reannounced: 0, escalated: 0 });
    expect(await eventKinds(h, order.id)).toEqual(['created', 'accept']);
  });

  it('flags an agreed start that passed with no arrival and no notice, once', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T00:30'), 'no show');
    const { order: notified } = await scheduledOrder(h, users.alice, sh('2026-11-27T00:30'), 'late but told');
    h.clock.set(sh('2026-11-26T23:50'));
    await submitVisit(h, users.alice, 'visit.late', lateValues({ eta: sh('2026-11-27T01:00') }), { id: notified.id, v: notified.version });
    expect((await watch(sh('2026-11-27T00:30'))).missed).toBe(0);
    expect((await watch(sh('2026-11-27T00:31'))).missed).toBe(1);
    for (const at of [sh('2026-11-27T00:31'), sh('2026-11-27T00:32'), sh('2026-11-27T03:00')]) expect((await watch(at)).missed).toBe(0);
    const row = await orderRow(h, order.id);
    expect([row.state, row.missedNotices]).toEqual(['scheduled', 1]);
    expect(await postsAbout(order.key)).toEqual([DISPATCH, ESCALATION]);
    expect((await eventKinds(h, order.id)).filter((k) => k === 'missed_notice')).toHaveLength(1);
    expect((await eventKinds(h, notified.id)).filter((k) => k === 'missed_notice')).toHaveLength(0);
    // a newly agreed window that is missed again is flagged again, once
    h.clock.set(sh('2026-11-27T03:00'));
    await submitVisit(h, users.bob, 'visit.confirm_window', {
      window_start: { value: { type: 'datetimepicker', selected_date_time: Math.floor(sh('2026-11-27T09:00').getTime() / 1000) } },
      address: { value: { type: 'plain_text_input', value: 'x road 1' } },
      contact_name: { value: { type: 'plain_text_input', value: '王经理' } },
      contact_phone: { value: { type: 'plain_text_input', value: '13812345678' } },
      agreed: { value: { type: 'checkboxes', selected_options: [{ value: 'yes' }] } },
    }, { id: order.id, v: row.version });
    expect((await watch(sh('2026-11-27T09:01'))).missed).toBe(1);
    expect((await watch(sh('2026-11-27T09:01'))).missed).toBe(0);
    expect((await orderRow(h, order.id)).missedNotices).toBe(2);
  });

  it('watches the newly agreed window of a long delay like a reschedule, and judges the arrival against it', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T06:00'), 'long delay, new window');
    h.clock.set(sh('2026-11-26T23:50')); // 6 h 10 min before the start: in time
    await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T19:00'), newStart: sh('2026-11-27T19:00') }), { id: order.id, v: order.version });
    const moved = await orderRow(h, order.id);
    expect([moved.state, moved.lateNotices, moved.lateNoticesFlagged, moved.windowStart?.toISOString()]).toEqual(['scheduled', 1, 0, sh('2026-11-27T19:00').toISOString()]);
    expect((await watch(sh('2026-11-27T06:01'))).missed).toBe(0); // the old start no longer counts
    expect((await watch(sh('2026-11-27T19:00'))).missed).toBe(0);
    expect((await watch(sh('2026-11-27T19:01'))).missed).toBe(1);
    expect((await watch(sh('2026-11-27T19:02'))).missed).toBe(0);
    expect((await orderRow(h, order.id)).missedNotices).toBe(1);
    // the earlier notice was for the old window: arriving after the new start, unannounced, is late
    h.clock.set(sh('2026-11-27T19:20'));
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    expect(await orderRow(h, order.id)).toMatchObject({ state: 'on_site', punctuality: 'late', arrivalOffsetMinutes: 20 });
  });
});

describe(`visit-watch with more orders than one batch (${storeName})`, () => {
  const h = useHarness({ now: sh('2026-11-26T10:00').toISOString() });
  const watchIn = (at: Date, batch: number) => {
    h.clock.set(at);
    return watchVisits(h.opsdesk.services.visits, at, batch);
  };

  it('leaves handled orders out of its queries, so newer ones are never starved by older ones', async () => {
    const t0 = sh('2026-11-26T10:00');
    h.clock.set(t0);
    const old = [];
    for (let i = 0; i < 3; i++) old.push((await newOrder(h, { start: sh('2026-11-27T10:00') }, `old ${i}`)).order);
    expect(await watchIn(minutes(t0, 30), 2)).toEqual({ reannounced: 3, escalated: 0, missed: 0 });
    expect(await watchIn(minutes(t0, 60), 2)).toEqual({ reannounced: 0, escalated: 3, missed: 0 });
    h.clock.set(minutes(t0, 70));
    const fresh = [];
    for (let i = 0; i < 2; i++) fresh.push((await newOrder(h, { start: sh('2026-11-27T10:00') }, `new ${i}`)).order);
    // the three old orders, escalated already, do not take the two places of the batch
    const due = await listUnacceptedSince(h.store.db, minutes(t0, 100), 30, 2);
    expect(due.map((o) => o.key)).toEqual(fresh.map((o) => o.key));
    expect(await watchIn(minutes(t0, 100), 2)).toEqual({ reannounced: 2, escalated: 0, missed: 0 });
    for (const o of old) expect(await eventKinds(h, o.id)).toEqual(['created', 'reannounced', 'escalated']);

    // missed notices: three flagged windows, then two new ones behind them
    h.clock.set(sh('2026-11-26T12:00'));
    for (let i = 0; i < 3; i++) await scheduledOrder(h, users.bob, sh('2026-11-26T14:00'), `no show ${i}`);
    expect((await watchIn(sh('2026-11-26T14:01'), 2)).missed).toBe(3);
    h.clock.set(sh('2026-11-26T14:05'));
    const later = [];
    for (let i = 0; i < 2; i++) later.push((await scheduledOrder(h, users.alice, sh('2026-11-26T16:00'), `later no show ${i}`)).order);
    const started = await listScheduledStartedBefore(h.store.db, sh('2026-11-26T16:01'), 2);
    expect(started.map((o) => o.key)).toEqual(later.map((o) => o.key));
    expect((await watchIn(sh('2026-11-26T16:01'), 2)).missed).toBe(2);
    expect((await watchIn(sh('2026-11-26T16:02'), 2)).missed).toBe(0);
  });
});
