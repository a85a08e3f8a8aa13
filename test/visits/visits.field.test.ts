// The engineer's steps in the field, with an injected clock in Asia/Shanghai: lateness notices,
// arrival punctuality, unreachable customers and the left note; bad input in every form.
import { beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { and, eq } from 'drizzle-orm';
import { outbox } from '../../src/outbox/outbox.table.js';
import { visitEvents } from '../../src/modules/visits/visits.table.js';
import { storeName } from '../support/db.js';
import { ESCALATION, useHarness, users } from '../support/harness.js';
import {
  clickVisit,
  completeValues,
  completedOrder,
  eventKinds,
  lateValues,
  newOrder,
  orderRow,
  scheduledOrder,
  snapshot,
  submitVisit,
  vdate,
  vselect,
  vtext,
  vuser,
  windowValues,
} from './support.js';

/** A Shanghai wall-clock time as an instant. */
const sh = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Shanghai' }).toJSDate();

describe(`visit orders in the field (${storeName})`, () => {
  const h = useHarness({ eachTestAt: sh('2026-11-26T10:00') });
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  const escalations = async (key: string) =>
    (await h.store.db.select().from(outbox).where(and(eq(outbox.channel, ESCALATION), eq(outbox.kind, 'post')))).filter((r) => r.payload.text.includes(key));

  it('accepts a short delay announced exactly 30 minutes before a start just after midnight', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T00:30'), 'late in time');
    h.clock.set(sh('2026-11-27T00:00'));
    const res = await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T01:10') }), { id: order.id, v: order.version });
    expect(res.json?.response_action).toBeUndefined();
    const row = await orderRow(h, order.id);
    expect([row.state, row.lateNotices, row.lateNoticesFlagged, row.eta?.toISOString()]).toEqual(['late', 1, 0, sh('2026-11-27T01:10').toISOString()]);
    expect(await escalations(order.key)).toHaveLength(0);
    const [event] = await h.store.db.select().from(visitEvents).where(and(eq(visitEvents.orderId, order.id), eq(visitEvents.kind, 'late')));
    expect(event!.data).toMatchObject({ inTime: true, leadMinutes: 30, requiredMinutes: 30, long: false });
    // arriving after the start with a notice counts as late, with notice
    h.clock.set(sh('2026-11-27T01:05'));
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    expect(await orderRow(h, order.id)).toMatchObject({ state: 'on_site', punctuality: 'late_notified', arrivalOffsetMinutes: 35 });
  });

  it('records a short delay announced 29 minutes before, flags it to the dispatcher and counts it', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T00:30'), 'late flagged');
    h.clock.set(sh('2026-11-27T00:01'));
    await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T01:00') }), { id: order.id, v: order.version });
    const row = await orderRow(h, order.id);
    expect([row.state, row.lateNotices, row.lateNoticesFlagged]).toEqual(['late', 1, 1]);
    const flagged = await escalations(order.key);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.payload.text).toContain(`<@${users.dora.id}>`);
    expect(flagged[0]!.payload.text).toContain('29 min before');
  });

  it('needs 4 hours and a newly agreed window for a delay of more than half a day', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T01:00'), 'long delay');
    h.clock.set(sh('2026-11-26T21:00'));
    const before = await snapshot(h);
    const missing = await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T14:00') }), { id: order.id, v: order.version });
    expect(missing.json.response_action).toBe('errors');
    expect(Object.keys(missing.json.errors)).toEqual(['new_window']);
    expect(await snapshot(h)).toEqual(before);
    await submitVisit(h, users.bob, 'visit.late', lateValues({ eta: sh('2026-11-27T14:00'), newStart: sh('2026-11-27T14:00') }), { id: order.id, v: order.version });
    const row = await orderRow(h, order.id);
    expect([row.lateNoticesFlagged, row.windowStart?.toISOString(), row.windowEnd?.toISOString()]).toEqual([0, sh('2026-11-27T14:00').toISOString(), sh('2026-11-27T16:00').toISOString()]);
    expect(await escalations(order.key)).toHaveLength(0);

    const second = await scheduledOrder(h, users.alice, sh('2026-11-27T01:00'), 'long delay late');
    h.clock.set(sh('2026-11-26T21:01'));
    await submitVisit(h, users.alice, 'visit.late', lateValues({ eta: sh('2026-11-27T14:00'), newStart: sh('2026-11-27T14:00') }), { id: second.order.id, v: second.order.version });
    expect((await orderRow(h, second.order.id)).lateNoticesFlagged).toBe(1);
    expect(await escalations(second.order.key)).toHaveLength(1);
  });

  it('refuses “previous visit took longer” as a late reason (handbook 3.4.2.5: not 服务客户太多) with a clear error, and changes nothing', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-27T09:00'), 'too many customers');
    await clickVisit(h, users.bob, 'visit.late', order.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open' && x.args.view.callback_id === 'visit.late'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.blocks.find((b: any) => b.block_id === 'reason').element.options.map((o: any) => o.value)).toEqual(['traffic', 'vehicle', 'weather', 'other']);
    const before = await snapshot(h);
    const res = await submitVisit(h, users.bob, 'visit.late', lateValues({ reason: 'previous_job', eta: sh('2026-11-27T10:00') }), { id: order.id, v: order.version });
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors).toEqual({ reason: expect.stringContaining('Serving too many customers is not a reason') });
    expect(await snapshot(h)).toEqual(before);
  });

  it('counts an arrival after the start without notice as late, and 5–10 minutes early as on target', async () => {
    const { order } = await scheduledOrder(h, users.bob, sh('2026-11-26T14:00'), 'late arrival');
    h.clock.set(sh('2026-11-26T14:12'));
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    expect(await orderRow(h, order.id)).toMatchObject({ punctuality: 'late', arrivalOffsetMinutes: 12 });
    const early = await scheduledOrder(h, users.alice, sh('2026-11-26T15:00'), 'early arrival');
    h.clock.set(sh('2026-11-26T14:52'));
    await clickVisit(h, users.alice, 'visit.arrive', early.order.id);
    await clickVisit(h, users.alice, 'visit.arrive', early.order.id, { version: early.order.version }); // double click
    expect(await orderRow(h, early.order.id)).toMatchObject({ punctuality: 'target', arrivalOffsetMinutes: -8 });
    expect((await eventKinds(h, early.order.id)).filter((k) => k === 'arrive')).toHaveLength(1);
  });

  it('records unanswered calls; after the configured tries the engineer leaves a note, and the order can be rescheduled', async () => {
    const { ticket, order } = await newOrder(h, { start: sh('2026-11-26T15:00') }, 'unreachable');
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    for (let i = 1; i <= 2; i++) await submitVisit(h, users.bob, 'visit.unreachable', { call_result: vselect('no_answer'), called_at: vdate() }, { id: order.id });
    // two calls: no note and no check-in without a window yet
    await clickVisit(h, users.bob, 'visit.left_note', order.id);
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('after 3 calls')));
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('Confirm the window')));
    await submitVisit(h, users.bob, 'visit.unreachable', { call_result: vselect('switched_off'), called_at: vdate() }, { id: order.id });
    expect((await orderRow(h, order.id)).callAttempts).toBe(3);
    const accepted = await orderRow(h, order.id);
    const before = await snapshot(h);
    const bad = await submitVisit(h, users.bob, 'visit.left_note', { left_at: vdate(sh('2026-11-26T10:30')), where: vtext(' '), note_phone: vtext('call me') }, { id: order.id, v: accepted.version });
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors).sort()).toEqual(['left_at', 'note_phone', 'where']);
    expect(await snapshot(h)).toEqual(before);
    await submitVisit(h, users.bob, 'visit.left_note', { left_at: vdate(sh('2026-11-26T09:55')), where: vtext('Under the shop door'), note_phone: vtext('400-800-1234') }, { id: order.id, v: accepted.version });
    const noted = await orderRow(h, order.id);
    expect([noted.state, noted.leftNoteWhere, noted.leftNotePhone, noted.leftNoteAt?.toISOString()]).toEqual(['no_contact', 'Under the shop door', '4008001234', sh('2026-11-26T09:55').toISOString()]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args.text).includes('could not be reached')));
    // rescheduled: a new agreed window
    await submitVisit(h, users.bob, 'visit.confirm_window', windowValues({ start: sh('2026-11-27T09:00') }), { id: order.id, v: noted.version });
    expect((await orderRow(h, order.id)).state).toBe('scheduled');
    expect(await eventKinds(h, order.id)).toEqual(['created', 'accept', 'unreachable', 'unreachable', 'unreachable', 'left_note', 'confirm_window']);
    expect(ticket.id).toBeGreaterThan(0);
  });

  it('opens every form within Slack\'s limits', async () => {
    const opened = async (user: typeof users.bob, actionId: string, orderId: number) => {
      h.slack.reset();
      await clickVisit(h, user, actionId, orderId);
      await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
      const call = h.slack.callsTo('views.open')[0]!;
      expect(call.response.ok, `${actionId}: ${JSON.stringify(call.response)}`).toBe(true);
      return call.args.view.callback_id as string;
    };
    const { order } = await newOrder(h, { start: sh('2026-11-27T09:00') }, 'all forms');
    expect(await opened(users.alice, 'visit.decline', order.id)).toBe('visit.decline');
    expect(await opened(users.dora, 'visit.reassign', order.id)).toBe('visit.reassign');
    expect(await opened(users.dora, 'visit.cancel', order.id)).toBe('visit.cancel');
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    expect(await opened(users.bob, 'visit.confirm_window', order.id)).toBe('visit.confirm_window');
    expect(await opened(users.bob, 'visit.unreachable', order.id)).toBe('visit.unreachable');
    for (let i = 0; i < 3; i++) await submitVisit(h, users.bob, 'visit.unreachable', { call_result: vselect('busy'), called_at: vdate() }, { id: order.id });
    expect(await opened(users.bob, 'visit.left_note', order.id)).toBe('visit.left_note');
    const { order: scheduled } = await scheduledOrder(h, users.bob, sh('2026-11-27T09:00'), 'all forms 2');
    expect(await opened(users.bob, 'visit.late', scheduled.id)).toBe('visit.late');
    h.clock.set(sh('2026-11-27T08:52'));
    await clickVisit(h, users.bob, 'visit.arrive', scheduled.id);
    expect(await opened(users.bob, 'visit.complete', scheduled.id)).toBe('visit.complete');
    const onSite = await orderRow(h, scheduled.id);
    await submitVisit(h, users.bob, 'visit.complete', completeValues(), { id: scheduled.id, v: onSite.version });
    expect(await opened(users.dora, 'visit.callback', scheduled.id)).toBe('visit.callback');
  });

  // Every form's bad input: a field error in the modal, and nothing written.
  const forms: [string, string, Record<string, Record<string, any>>, string[], 'open' | 'accepted' | 'scheduled' | 'on_site' | 'completed'][] = [
    ['decline with no reason', 'visit.decline', { reason: vtext('') }, ['reason'], 'open'],
    ['cancel with no reason', 'visit.cancel', { reason: vtext(' ') }, ['reason'], 'open'],
    ['reassign to nobody', 'visit.reassign', { engineer: vuser() }, ['engineer'], 'open'],
    ['reassign to someone not on the team', 'visit.reassign', { engineer: vuser(users.olga.id) }, ['engineer'], 'open'],
    ['a window in the past, unagreed, with a bad phone', 'visit.confirm_window', windowValues({ start: sh('2026-11-26T09:00'), agreed: false, phone: 'x1' }), ['agreed', 'contact_phone', 'window_start'], 'accepted'],
    ['no call result', 'visit.unreachable', { call_result: vselect(), called_at: vdate() }, ['call_result'], 'accepted'],
    ['an ETA before the agreed start', 'visit.late', lateValues({ eta: sh('2026-11-27T08:30') }), ['eta'], 'scheduled'],
    ['late without telling the customer, “other” without details', 'visit.late', lateValues({ reason: 'other', eta: sh('2026-11-27T10:00'), told: false }), ['detail', 'told'], 'scheduled'],
    ['no work done, follow-up without a note', 'visit.complete', completeValues({ workDone: '', followUp: 'yes' }), ['follow_up_note', 'work_done'], 'on_site'],
    ['a callback with nobody spoken to and a bad rating', 'visit.callback', { person: vtext(''), rating: vselect('9'), comment: vtext('') }, ['person', 'rating'], 'completed'],
  ];
  it.each(forms)('refuses %s with field errors and writes nothing', async (_name, callbackId, values, fields, state) => {
    let orderId: number;
    if (state === 'open' || state === 'accepted') {
      const { order } = await newOrder(h, { start: sh('2026-11-27T09:00') }, `form ${callbackId}`);
      if (state === 'accepted') await clickVisit(h, users.bob, 'visit.accept', order.id);
      orderId = order.id;
    } else if (state === 'scheduled') {
      orderId = (await scheduledOrder(h, users.bob, sh('2026-11-27T09:00'), `form ${callbackId}`)).order.id;
    } else {
      const { order } = await completedOrder(h, sh('2026-11-27T09:00'), `form ${callbackId}`);
      orderId = order.id;
      if (state === 'on_site') {
        const { order: onSite } = await scheduledOrder(h, users.bob, sh('2026-11-28T09:00'), `form ${callbackId} 2`);
        h.clock.set(sh('2026-11-28T08:52'));
        await clickVisit(h, users.bob, 'visit.arrive', onSite.id);
        orderId = onSite.id;
      }
    }
    const current = await orderRow(h, orderId);
    const actor = callbackId === 'visit.callback' || callbackId.endsWith('reassign') || callbackId.endsWith('cancel') ? users.dora : users.bob;
    const before = await snapshot(h);
    const res = await submitVisit(h, actor, callbackId, values, { id: orderId, v: current.version });
    expect(res.json?.response_action).toBe('errors');
    expect(Object.keys(res.json.errors).sort()).toEqual(fields);
    expect(await snapshot(h)).toEqual(before);
  });
});
