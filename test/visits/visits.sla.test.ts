// The SLA sweep of visit orders (SPEC §3.5) with an injected clock, through the `sla-sweep` job:
// the accept and arrival targets at 75 % (warning) and 100 % (breach), each once ever — across
// re-runs, old slots and midnight — and how it shares the work with visit-watch.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { and, eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { JOBS } from '../../src/services.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { listVisitAlerts } from '../../src/modules/visits/visits.store.js';
import { storeName } from '../support/db.js';
import { DISPATCH, ESCALATION, useHarness, users } from '../support/harness.js';
import { clickVisit, lateValues, newOrder, orderRow, scheduledOrder, submitVisit, windowValues } from './support.js';

const sh = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

describe(`visit orders in the SLA sweep (${storeName})`, () => {
  const h = useHarness({ eachTestAt: sh('2026-11-26T23:40') });

  /** Runs the sla-sweep job as of `at` and returns the visit orders' counts. */
  const sweep = async (at: Date) => {
    h.clock.set(at);
    const result = await runJob(h.opsdesk.services, 'sla-sweep', at, 'manual');
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.counts).toHaveProperty('checked'); // the tickets' sweep ran first, in the same job
    return { warnings: result.counts.visit_warnings, breaches: result.counts.visit_breaches };
  };
  const watch = async (at: Date) => {
    h.clock.set(at);
    const result = await runJob(h.opsdesk.services, 'visit-watch', at, 'manual');
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    return result.counts;
  };
  const messagesOf = async (orderId: number) => {
    const rows = await h.store.db.select().from(outbox).orderBy(outbox.id);
    return {
      thread: rows.filter((r) => r.kind === 'reply' && r.targetKey === `visit:${orderId}`).map((r) => r.payload.text),
      dms: rows.filter((r) => r.kind === 'dm' && r.dedupeKey?.startsWith(`visit-sla:${orderId}:`)).map((r) => [r.userId, r.payload.text]),
      escalations: (key: string) => rows.filter((r) => r.kind === 'post' && r.channel === ESCALATION && new RegExp(`${key}(?!\\d)`).test(r.payload.text)).map((r) => r.payload.text),
    };
  };
  const alertsOf = async (orderId: number) => (await listVisitAlerts(h.store.db, orderId)).map((a) => `${a.target}:${a.stage}`);

  it('is part of the every-minute sla-sweep job', () => {
    expect(JOBS['sla-sweep']!.schedules(h.config)).toEqual([{ cron: '* * * * *' }]);
  });

  it('warns at 75 % and breaches at 100 % of the accept target, each once, across midnight and re-runs of old slots', async () => {
    const { order } = await newOrder(h, { start: sh('2026-11-27T10:00') }, 'accept clock'); // posted 23:40
    expect(order.nextCheckAt?.toISOString()).toBe(minutes(order.createdAt, 22.5).toISOString());
    expect(await sweep(minutes(order.createdAt, 22))).toEqual({ warnings: 0, breaches: 0 });
    expect(await sweep(minutes(order.createdAt, 23))).toEqual({ warnings: 1, breaches: 0 }); // 00:03, the next day
    for (const at of [minutes(order.createdAt, 23), minutes(order.createdAt, 29), minutes(order.createdAt, 5)]) expect(await sweep(at)).toEqual({ warnings: 0, breaches: 0 });
    let sent = await messagesOf(order.id);
    expect(sent.thread).toEqual([expect.stringContaining('75% of the 30 min to accept this order')]);
    expect(sent.dms).toEqual([[users.dora.id, expect.stringContaining('is still not accepted')]]); // nobody has it: the dispatcher

    // 00:10: the breach, in the escalation channel only; visit-watch re-announces in the same minute
    expect(await sweep(minutes(order.createdAt, 30))).toEqual({ warnings: 0, breaches: 1 });
    expect(await watch(minutes(order.createdAt, 30))).toMatchObject({ reannounced: 1, escalated: 0 });
    for (const at of [minutes(order.createdAt, 30), minutes(order.createdAt, 31), minutes(order.createdAt, 10), minutes(order.createdAt, 300)]) expect(await sweep(at)).toEqual({ warnings: 0, breaches: 0 });
    sent = await messagesOf(order.id);
    const [breach, ...more] = sent.escalations(order.key);
    expect(more).toEqual([]);
    expect(breach).toContain(`<@${users.sam.id}>`);
    expect(breach).toContain(`<@${users.dora.id}>`);
    expect(breach).toContain(`|${order.key}>`); // a link to the order's dispatch message
    expect(breach).toContain('breached its accept target');
    expect(breach).toContain('0m late. Engineer: nobody.');
    // one thread reply at that moment: the re-announcement's, not a second one for the breach
    expect(sent.thread).toEqual([expect.stringContaining('75%'), expect.stringContaining('re-announced')]);
    expect(await alertsOf(order.id)).toEqual(['accept:warning', 'accept:breach']);
    expect((await orderRow(h, order.id)).nextCheckAt).toBeNull();
    // delivered: the post lands in the escalation channel, the warning DM with the dispatcher
    await h.deliver();
    expect(h.slack.posted().filter((c) => c.args.channel === ESCALATION && String(c.args.text).includes('breached its accept target') && String(c.args.text).includes(order.key))).toHaveLength(1);
  });

  it('posts no breach for an order accepted after its warning; its arrival clock starts with the agreed window', async () => {
    const { order } = await newOrder(h, { start: sh('2026-11-27T10:00') }, 'accepted in time');
    expect((await sweep(minutes(order.createdAt, 25))).warnings).toBe(1);
    h.clock.set(minutes(order.createdAt, 26));
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    expect((await orderRow(h, order.id)).nextCheckAt).toBeNull(); // no clock runs until a window is agreed
    for (const at of [minutes(order.createdAt, 30), minutes(order.createdAt, 90)]) expect(await sweep(at)).toEqual({ warnings: 0, breaches: 0 });
    expect((await messagesOf(order.id)).escalations(order.key)).toEqual([]);
    // a window agreed at 00:10 for 10:00: the arrival warning comes at 75 % of that span
    const accepted = await orderRow(h, order.id);
    await submitVisit(h, users.bob, 'visit.confirm_window', windowValues({ start: sh('2026-11-27T10:00') }), { id: order.id, v: accepted.version });
    const scheduled = await orderRow(h, order.id);
    const span = sh('2026-11-27T10:00').getTime() - scheduled.windowAgreedAt!.getTime();
    expect(scheduled.nextCheckAt?.getTime()).toBe(scheduled.windowAgreedAt!.getTime() + Math.round(span * 0.75));
    expect(await alertsOf(order.id)).toEqual(['accept:warning']);
  });

  it('warns the engineer at 75 % of the time to the agreed start and breaches at the start; visit-watch then only tells the thread', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T00:40'), 'arrival clock'); // agreed 23:40
    expect(await sweep(sh('2026-11-27T00:24'))).toEqual({ warnings: 0, breaches: 0 });
    expect(await sweep(sh('2026-11-27T00:25'))).toEqual({ warnings: 1, breaches: 0 });
    let sent = await messagesOf(order.id);
    expect(sent.dms).toEqual([[users.bob.id, expect.stringContaining('Running late')]]);
    expect(sent.thread.at(-1)).toContain(`<@${users.bob.id}> is due on site`);
    expect(await sweep(sh('2026-11-27T00:40'))).toEqual({ warnings: 0, breaches: 1 });
    expect(await watch(sh('2026-11-27T00:40'))).toMatchObject({ missed: 0 });
    expect(await watch(sh('2026-11-27T00:41'))).toMatchObject({ missed: 1 });
    for (const at of [sh('2026-11-27T00:41'), sh('2026-11-27T02:00'), sh('2026-11-27T00:30')]) {
      expect(await sweep(at)).toEqual({ warnings: 0, breaches: 0 });
      expect(await watch(at)).toMatchObject({ missed: 0 });
    }
    sent = await messagesOf(order.id);
    const escalations = sent.escalations(order.key);
    expect(escalations).toHaveLength(1); // the breach says it all; the missed notice is not posted again
    expect(escalations[0]).toContain(`<@${users.bob.id}> was due on site`);
    expect(escalations[0]).toContain('No arrival and no late notice.');
    expect(sent.thread.at(-1)).toContain('passed with no arrival and no late notice');
    const row = await orderRow(h, order.id);
    expect([row.missedNotices, row.nextCheckAt]).toEqual([1, null]);
    expect(await alertsOf(order.id)).toEqual(['arrival:warning', 'arrival:breach']);
  });

  it('posts no breach for an engineer who arrives in time', async () => {
    const { order } = await scheduledOrder(h, users.alice, sh('2026-11-27T00:40'), 'on time');
    expect((await sweep(sh('2026-11-27T00:30'))).warnings).toBe(1);
    h.clock.set(sh('2026-11-27T00:32'));
    await clickVisit(h, users.alice, 'visit.arrive', order.id);
    const row = await orderRow(h, order.id);
    expect([row.state, row.punctuality, row.nextCheckAt]).toEqual(['on_site', 'target', null]);
    for (const at of [sh('2026-11-27T00:40'), sh('2026-11-27T03:00')]) expect(await sweep(at)).toEqual({ warnings: 0, breaches: 0 });
    expect((await messagesOf(order.id)).escalations(order.key)).toEqual([]);
    expect(await alertsOf(order.id)).toEqual(['arrival:warning']);
  });

  it('says in the breach that a late notice was given, and posts only the breach for an order first seen past its start', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T00:40'), 'told the customer');
    h.clock.set(sh('2026-11-27T00:05'));
    await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T01:00') }), { id: order.id, v: order.version });
    expect(await sweep(sh('2026-11-27T01:30'))).toEqual({ warnings: 0, breaches: 1 }); // the sweep was down until 01:30
    expect(await watch(sh('2026-11-27T01:30'))).toMatchObject({ missed: 0 });
    const [breach, ...more] = (await messagesOf(order.id)).escalations(order.key);
    expect(more).toEqual([]);
    expect(breach).toContain('50m late');
    expect(breach).toContain('A late notice was given: ETA');
    expect(await alertsOf(order.id)).toEqual(['arrival:breach']);
    // the DM channel never got a warning it no longer needed
    expect((await messagesOf(order.id)).dms).toEqual([]);
  });

  it('leaves orders without a running clock out of the sweep (no next_check_at)', async () => {
    const { order } = await newOrder(h, { start: sh('2026-11-27T10:00') }, 'cancelled');
    await submitVisit(h, users.dora, 'visit.cancel', { reason: { value: { type: 'plain_text_input', value: 'customer fixed it' } } }, { id: order.id, v: order.version });
    const row = await orderRow(h, order.id);
    expect([row.state, row.nextCheckAt]).toEqual(['cancelled', null]);
    expect(await sweep(minutes(order.createdAt, 60))).toEqual({ warnings: 0, breaches: 0 });
    const posts = await h.store.db.select().from(outbox).where(and(eq(outbox.kind, 'post'), eq(outbox.channel, DISPATCH)));
    expect(posts.filter((p) => JSON.stringify(p.payload).includes(order.key))).toHaveLength(1); // just the order itself
  });
});
