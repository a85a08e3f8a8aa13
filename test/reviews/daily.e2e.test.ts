// The daily work report end to end (工作报告, SPEC §3.8): a parent message, one reply per engineer,
// and a line of problems an engineer adds with a button.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { JOBS } from '../../src/services.js';
import { claimSlot, runJob } from '../../src/jobs/runner.js';
import { cronFiresAt } from '../../src/modules/patrols/patrols.rules.js';
import { dailyReportNotes } from '../../src/modules/reviews/reviews.table.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { visitOrders } from '../../src/modules/visits/visits.table.js';
import { openTicket, resolveTicket, takeTicket, waitOnCustomer } from '../../src/modules/tickets/tickets.service.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml, REVIEW, useHarness, users, type Harness } from '../support/harness.js';
import { settle } from '../patrols/support.js';
import { reviewCalendarYaml } from './fixture.js';

const textOf = (c: { args: Record<string, any> }) => `${c.args.text ?? ''} ${JSON.stringify(c.args.blocks ?? [])}`;

async function runAt(h: Harness, at: string) {
  h.clock.set(at);
  const result = await runJob(h.opsdesk.services, 'daily-report', new Date(at), 'manual');
  await settle(h);
  if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
  return result.counts;
}

/** The minutes of a local date at which the scheduler fires `daily-report` (node-cron's own matcher). */
function slotsOn(h: Harness, date: string): Date[] {
  const zone = h.config.timezone;
  const crons = JOBS['daily-report']!.schedules(h.config).map((s) => s.cron);
  const start = DateTime.fromISO(date, { zone });
  const slots: Date[] = [];
  for (let minute = 0; minute < 24 * 60; minute++) {
    const at = start.plus({ minutes: minute }).toJSDate();
    if (crons.some((c) => cronFiresAt(c, at, zone))) slots.push(at);
  }
  return slots;
}

/** Runs every scheduled slot of a local date the way the scheduler does (claim, then run). */
async function runScheduledDay(h: Harness, date: string) {
  const counts = [];
  for (const slot of slotsOn(h, date)) {
    h.clock.set(slot.toISOString());
    if (!(await claimSlot(h.opsdesk.services, 'daily-report', slot))) throw new Error(`slot ${slot.toISOString()} already claimed`);
    const result = await runJob(h.opsdesk.services, 'daily-report', slot, 'schedule');
    await settle(h);
    if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
    counts.push(result.counts);
  }
  return counts;
}

describe(`daily work report end to end (${storeName})`, () => {
  const h = useHarness({ yaml: `${baseConfigYaml}${reviewCalendarYaml}`, now: '2026-11-25T02:00:00Z' });
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    const deps = h.opsdesk.services.tickets;
    const open = async (title: string, priority = 'P3') =>
      openTicket(deps, { newCustomerName: 'Store 12', category: 'network', priority, title }, users.alice.id);
    const t1 = await open('Printer jam');
    const t2 = await open('VPN slow');
    const t3 = await open('Core switch down', 'P1');
    Object.assign(keys, { t1: t1.key, t2: t2.key, t3: t3.key });
    await takeTicket(deps, t1.id, users.alice.id);
    h.clock.set('2026-11-25T03:00:00Z');
    await resolveTicket(deps, t1.id, users.alice.id, { cause: 'paper', fix: 'cleared', faultCategory: 'printer' });
    await takeTicket(deps, t2.id, users.bob.id);
    await waitOnCustomer(deps, t2.id, users.bob.id, 'waiting for the store to reboot');
    await takeTicket(deps, t3.id, users.bob.id); // P1: resolution due 4 h after 10:00, so breached by 18:00
    // Visit orders, written as the visits module leaves them: Bob completed one today and one
    // yesterday; Alice completed one today (recorded under her as the engineer); one is under way.
    const [ticket] = await h.store.db.select({ customerId: tickets.customerId }).from(tickets).where(eq(tickets.id, t2.id));
    const visit = (key: string, v: Partial<typeof visitOrders.$inferInsert>) =>
      h.store.db.insert(visitOrders).values({
        key, ticketId: t2.id, customerId: ticket!.customerId, address: 'Store 12', contactName: 'Li', contactPhone: '13800000000', need: 'router',
        requestedStart: new Date('2026-11-25T01:00:00Z'), requestedEnd: new Date('2026-11-25T03:00:00Z'), windowStart: new Date('2026-11-25T06:00:00Z'), windowEnd: new Date('2026-11-25T08:00:00Z'),
        state: 'completed', engineer: users.bob.id, createdBy: users.alice.id, createdAt: new Date('2026-11-24T01:00:00Z'), updatedAt: new Date('2026-11-25T08:00:00Z'), ...v,
      });
    await visit('VO-DAY-1', { arrivedAt: new Date('2026-11-25T05:52:00Z'), completedAt: new Date('2026-11-25T08:00:00Z'), completedBy: users.bob.id }); // 16:00
    await visit('VO-DAY-2', { arrivedAt: new Date('2026-11-24T05:52:00Z'), completedAt: new Date('2026-11-24T08:00:00Z'), completedBy: users.bob.id }); // yesterday
    await visit('VO-DAY-3', { engineer: users.alice.id, arrivedAt: new Date('2026-11-25T06:00:00Z'), completedAt: new Date('2026-11-25T09:00:00Z') });
    await visit('VO-DAY-4', { state: 'on_site', arrivedAt: new Date('2026-11-25T07:00:00Z') }); // arrived, not done
    await visit('VO-DAY-5', { completedAt: new Date('2026-11-25T16:30:00Z'), completedBy: users.bob.id }); // 00:30 the next day
    await settle(h);
  });
  beforeEach(() => {
    h.sink.received.length = 0;
  });

  it('posts the day\'s report once: a parent message and one reply per engineer in its thread', async () => {
    expect(await runAt(h, '2026-11-25T10:00:00Z')).toEqual({ posted: 1, engineers: 2, skipped: 0 }); // 18:00 Wednesday
    expect(await runAt(h, '2026-11-25T10:00:30Z')).toEqual({ posted: 0, engineers: 0, skipped: 0 });
    const parents = h.slack.posted().filter((c) => c.args.channel === REVIEW && !c.args.thread_ts);
    expect(parents).toHaveLength(1);
    expect(textOf(parents[0]!)).toContain('Daily work report · 2026-11-25');
    expect(textOf(parents[0]!)).toContain('2 engineers · 3 tickets opened · 1 resolved · 2 still open · 2 blocked');
    const replies = h.slack.posted().filter((c) => c.args.channel === REVIEW && c.args.thread_ts === parents[0]!.response.ts);
    expect(replies).toHaveLength(2);
    const alice = textOf(replies.find((r) => textOf(r).includes(`*<@${users.alice.id}>*`))!);
    expect(alice).toContain(`*Opened:* ${keys.t1}, ${keys.t2}, ${keys.t3}`);
    expect(alice).toContain(`*Taken:* ${keys.t1}`);
    expect(alice).toContain(`*Resolved:* ${keys.t1}`);
    expect(alice).toContain('*Still open (0)*');
    expect(alice).toContain('*Visits done:* VO-DAY-3');
    expect(alice).not.toContain('VO-DAY-1');
    const bob = textOf(replies.find((r) => textOf(r).includes(`*<@${users.bob.id}>*`))!);
    expect(bob).toContain(`*Taken:* ${[keys.t2, keys.t3].sort().join(', ')}`);
    expect(bob).toContain('*Still open (2)*');
    expect(bob).toContain('*Visits done:* VO-DAY-1');
    for (const other of ['VO-DAY-2', 'VO-DAY-3', 'VO-DAY-4', 'VO-DAY-5']) expect(bob).not.toContain(other); // yesterday, Alice's, under way, tomorrow
    expect(bob).toContain(`${keys.t2} (waiting on customer)`);
    expect(bob).toContain(`${keys.t3} (SLA breached)`);
    expect(bob).toContain('daily.add_problems');
  });

  it('fires the default schedule every day and lets the calendar decide: a make-up Saturday posts, a plain Sunday and a holiday post nothing', async () => {
    expect(h.config.reports.daily_schedule).toBe('0 18 * * *'); // the harness leaves reports at its default
    expect(slotsOn(h, '2026-10-10').map((d) => d.toISOString())).toEqual(['2026-10-10T10:00:00.000Z']); // 18:00 on a Saturday worked instead
    expect(slotsOn(h, '2026-10-11').map((d) => d.toISOString())).toEqual(['2026-10-11T10:00:00.000Z']); // 18:00 on a plain Sunday
    expect(slotsOn(h, '2026-10-05').map((d) => d.toISOString())).toEqual(['2026-10-05T10:00:00.000Z']); // National Day, a Monday

    expect(await runScheduledDay(h, '2026-10-10')).toEqual([expect.objectContaining({ posted: 1, skipped: 0 })]);
    const before = h.slack.posted().length;
    expect(await runScheduledDay(h, '2026-10-11')).toEqual([{ posted: 0, engineers: 0, skipped: 1 }]);
    expect(await runScheduledDay(h, '2026-10-05')).toEqual([{ posted: 0, engineers: 0, skipped: 1 }]);
    expect(h.slack.posted()).toHaveLength(before);
    expect(h.slack.posted().filter((c) => !c.args.thread_ts && textOf(c).includes('Daily work report · 2026-10-10'))).toHaveLength(1);
    expect(h.slack.posted().some((c) => textOf(c).includes('Daily work report · 2026-10-11'))).toBe(false);
    expect(h.slack.posted().some((c) => textOf(c).includes('Daily work report · 2026-10-05'))).toBe(false);
  });

  it('lets only the engineer add problems to their own report, refusing others with an explanation and an audit row', async () => {
    const value = JSON.stringify({ d: '2026-11-25', u: users.bob.id });
    const opened = h.slack.callsTo('views.open').length;
    await h.requester.blockAction({ user: users.alice, actionId: 'daily.add_problems', value, channelId: REVIEW });
    await h.sink.waitFor((r) => r.length >= 1);
    expect(h.sink.received.at(-1).text).toBe(`Only <@${users.bob.id}> can add problems to their own report.`);
    const refused = await h.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'daily.problems'), eq(auditLog.actor, users.alice.id)));
    expect(refused).toMatchObject([{ outcome: 'refused', subject: `daily:2026-11-25:${users.bob.id}` }]);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);

    await h.requester.blockAction({ user: users.bob, actionId: 'daily.add_problems', value, channelId: REVIEW, triggerId: 'trig-problems' });
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length > opened);
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('daily.problems');
  });

  it('refuses an empty line with a field error and stores nothing', async () => {
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    const res = await h.requester.viewSubmission({ user: users.bob, callbackId: 'daily.problems', viewId: 'VPROB0', values: { problems: { value: { type: 'plain_text_input', value: '   ' } } }, privateMetadata: view.private_metadata });
    expect(res.json).toEqual({ response_action: 'errors', errors: { problems: 'This field is required.' } });
    expect(await h.store.db.select().from(dailyReportNotes)).toHaveLength(0);
  });

  it('adds the line as a reply in the day\'s thread, escaped, once for a repeated submission', async () => {
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    const values = { problems: { value: { type: 'plain_text_input', value: 'VPN box needs a reboot <!channel>' } } };
    for (let i = 0; i < 2; i++) {
      const res = await h.requester.viewSubmission({ user: users.bob, callbackId: 'daily.problems', viewId: 'VPROB1', values, privateMetadata: view.private_metadata });
      expect(res.text).toBe('');
      await settle(h);
    }
    const notes = await h.store.db.select().from(dailyReportNotes);
    expect(notes).toMatchObject([{ reportDate: '2026-11-25', userId: users.bob.id, text: 'VPN box needs a reboot <!channel>' }]);
    const lines = h.slack.posted().filter((c) => String(c.args.text).includes('Problems noted by'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.args.text).toBe(`:memo: Problems noted by <@${users.bob.id}>: VPN box needs a reboot &lt;!channel&gt;`);
    const parent = h.slack.posted().find((c) => textOf(c).includes('Daily work report · 2026-11-25'))!;
    expect(lines[0]!.args.thread_ts).toBe(parent.response.ts);
  });
});
