// The visit-order flow end to end, driven exactly as Slack drives the app.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../../src/outbox/outbox.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { visitEvents, visitOrders } from '../../src/modules/visits/visits.table.js';
import { storeName } from '../support/db.js';
import { DISPATCH, SUPPORT, useHarness, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack, ticketButtons } from '../support/tickets.js';
import {
  clickVisit,
  completeValues,
  completedOrder,
  eventKinds,
  newOrder,
  orderRow,
  orderValues,
  refusals,
  scheduledOrder,
  signoffFromDm,
  snapshot,
  submitVisit,
  vdate,
  vselect,
  vtext,
  vuser,
  windowValues,
} from './support.js';

const lastEphemeral = (h: Harness) => h.sink.received.at(-1)?.text as string | undefined;

describe(`visit orders end to end (${storeName})`, () => {
  const h = useHarness({ eachTestAt: '2026-11-25T02:00:00Z' }); // 10:00 in Shanghai
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('opens the form from the ticket prefilled, creates VO-<year>-<seq>, posts it to dispatch and links it in the ticket thread', async () => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'Printer jams', description: 'Jams on every page', phone: '13912345678', callerName: '李店长', site: '徐汇店' });
    await clickTicket(h, users.alice, 'ticket.take', ticket.id);
    await clickTicket(h, users.alice, 'ticket.request_visit', ticket.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe('visit.create');
    const initial = (id: string) => view.blocks.find((b: any) => b.block_id === id)?.element.initial_value;
    expect([initial('address'), initial('contact_name'), initial('contact_phone'), initial('need')]).toEqual(['徐汇店', '李店长', '13912345678', 'Printer jams\nJams on every page']);
    // the assignee saw the full number: that read is audited
    const reads = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `ticket:${ticket.id}`));
    expect(reads.map((r) => [r.action, r.outcome])).toContainEqual(['customer.phone.read', 'ok']);

    const res = await submitVisit(h, users.alice, 'visit.create', orderValues({ start: '2026-11-26T06:00:00Z', phone: '139 1234 5678' }), JSON.parse(view.private_metadata), 'VCREATE1');
    expect(res.status).toBe(200);
    expect(res.json?.response_action).toBeUndefined();
    const [order] = await h.store.db.select().from(visitOrders).where(eq(visitOrders.ticketId, ticket.id));
    expect(order!.key).toMatch(/^VO-2026-\d+$/);
    expect([order!.state, order!.requestedEnd.getTime() - order!.requestedStart.getTime(), order!.contactPhone]).toEqual(['open', 2 * 3600_000, '13912345678']);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args.channel === DISPATCH));
    const post = h.slack.posted().find((c) => c.args.channel === DISPATCH)!;
    const blocks = JSON.stringify(post.args.blocks);
    expect(blocks).toContain(order!.key);
    expect(blocks).toContain('139****5678');
    expect(blocks).not.toContain('13912345678');
    expect(ticketButtons(post.args.blocks)).toEqual(['visit.accept', 'visit.decline', 'visit.reassign', 'visit.cancel']);
    const [t] = await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args.thread_ts === t!.slackTs && String(x.args.text).includes(order!.key)));
    // A repeated submission of the same modal creates nothing more.
    await submitVisit(h, users.alice, 'visit.create', orderValues({ start: '2026-11-26T06:00:00Z' }), JSON.parse(view.private_metadata), 'VCREATE1');
    expect(await h.store.db.select().from(visitOrders).where(eq(visitOrders.ticketId, ticket.id))).toHaveLength(1);
  });

  it('opens the same form with /visit OPS-…, refuses a second order for the ticket, and shows help', async () => {
    const { ticket, order } = await newOrder(h, {}, 'command path');
    h.slack.reset();
    await h.requester.command('/visit', ticket.key, users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain(`already has visit order ${order.key}`);
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    await h.requester.command('/visit', '', users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    await h.sink.waitFor((r) => r.length >= 2);
    expect(lastEphemeral(h)).toContain('/visit VO-2026-3');
    const other = await openTicketViaSlack(h, users.alice, { title: 'other' });
    await h.requester.command('/visit', other.key.toLowerCase(), users.bob, { channelId: SUPPORT });
    await h.opsdesk.idle();
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe('visit.create');
    // bob is not the ticket's assignee: no phone prefilled for him
    expect(view.blocks.find((b: any) => b.block_id === 'contact_phone').element.initial_value).toBeUndefined();
  });

  it('refuses a visit request from someone outside the team, with an audit row', async () => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'outsider' });
    await clickTicket(h, users.alice, 'ticket.take', ticket.id);
    const before = await snapshot(h);
    await clickTicket(h, users.olga, 'ticket.request_visit', ticket.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('Only members of the operations team');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    const res = await submitVisit(h, users.olga, 'visit.create', orderValues({}), { ticketId: ticket.id });
    expect(res.json?.response_action).toBeUndefined();
    expect(await snapshot(h)).toEqual(before);
    expect(await refusals(h, `ticket:${ticket.id}`)).toEqual([[users.olga.id, 'visit.request'], [users.olga.id, 'visit.request']]);
  });

  it.each([
    ['an empty address', { address: '  ' }, 'address'],
    ['a phone that is not a phone number', { phone: '12-ab' }, 'contact_phone'],
    ['a window in the past', { start: '2026-11-25T01:59:00Z' }, 'window_start'],
    ['a need over 3000 characters', { need: '修'.repeat(3001) }, 'need'],
    ['no contact name', { contactName: '' }, 'contact_name'],
  ])('refuses an order form with %s and writes nothing', async (_name, form, field) => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: `bad ${field}` });
    await clickTicket(h, users.alice, 'ticket.take', ticket.id);
    const before = await snapshot(h);
    const res = await submitVisit(h, users.alice, 'visit.create', orderValues(form), { ticketId: ticket.id, channel: SUPPORT });
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toEqual([field]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('works an order from Accept to archive, one event and one thread reply per step, the message updated in place', async () => {
    const { ticket, order } = await completedOrder(h, '2026-11-26T06:00:00Z', 'lifecycle');
    expect(order.state).toBe('completed');
    expect([order.punctuality, order.arrivalOffsetMinutes]).toEqual(['target', -7]);
    const { url } = await signoffFromDm(h, order.key);
    expect(url.startsWith('http://localhost:3000/visit/signoff/')).toBe(true);
    // the link goes to the engineer only: never into a channel
    const channelTexts = (await h.store.db.select().from(outbox)).filter((r) => r.kind !== 'dm').map((r) => JSON.stringify(r.payload));
    expect(channelTexts.some((t) => t.includes('/visit/signoff/'))).toBe(false);

    // The ticket cannot be resolved while the order is under way.
    const [t] = await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    await submitVisit(h, users.alice, 'ticket.resolve', { cause: vtext('PSU'), fix: vtext('replaced'), fault_category: vselect('hardware') }, { id: ticket.id, v: t!.version, channel: SUPPORT });
    await h.sink.waitFor(() => true);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral' && String(x.args.text).includes(order.key)));
    expect((await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id)))[0]!.state).not.toBe('resolved');
    const refusals = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `ticket:${ticket.id}`));
    expect(refusals.map((a) => [a.action, a.outcome])).toContainEqual(['ticket.resolve', 'refused']);
    // …and the Resolve form does not even open while the order is under way.
    const opened = h.slack.callsTo('views.open').length;
    await clickTicket(h, users.alice, 'ticket.resolve', ticket.id);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    expect(h.sink.received.at(-1).text).toContain(order.key);

    // dora (dispatcher, not the engineer) records the customer's confirmation by phone
    await clickVisit(h, users.dora, 'visit.callback', order.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open' && x.args.view.callback_id === 'visit.callback'));
    const cur = await orderRow(h, order.id);
    const res = await submitVisit(h, users.dora, 'visit.callback', { person: vtext('王经理'), rating: vselect('5'), comment: vtext('快') }, { id: order.id, v: cur.version });
    expect(res.json?.response_action).toBeUndefined();
    // the customer's link, replaced by the callback, now says no confirmation is needed
    const page = await fetch(url.replace('http://localhost:3000', `http://127.0.0.1:${h.opsdesk.port}`), { headers: { 'accept-language': 'en' } });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('No confirmation needed');
    await clickVisit(h, users.bob, 'visit.archive', order.id);
    const done = await orderRow(h, order.id);
    expect([done.state, done.confirmedVia, done.confirmedName, done.confirmedBy, done.rating]).toEqual(['archived', 'callback', '王经理', users.dora.id, 5]);
    expect(await eventKinds(h, order.id)).toEqual(['created', 'accept', 'confirm_window', 'arrive', 'complete', 'callback', 'archive']);

    // Archived: frozen, and the ticket can now be resolved.
    await clickVisit(h, users.bob, 'visit.archive', order.id, { version: done.version - 1 });
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('Already done')));
    const [t2] = await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    await submitVisit(h, users.alice, 'ticket.resolve', { cause: vtext('PSU'), fix: vtext('replaced'), fault_category: vselect('hardware') }, { id: ticket.id, v: t2!.version, channel: SUPPORT });
    expect((await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id)))[0]!.state).toBe('resolved');

    const slackTs = (await orderRow(h, order.id)).slackTs!;
    // one reply per step after the post: accept, window, arrive, complete, callback, archive
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage' && x.args.thread_ts === slackTs).length >= 6);
    await h.slack.waitFor(() => JSON.stringify(h.slack.message(DISPATCH, slackTs)?.blocks).includes('Archived'));
    const final = h.slack.message(DISPATCH, slackTs)!;
    expect(JSON.stringify(final.blocks)).toContain('Archived');
    expect(ticketButtons(final.blocks as any[])).toEqual([]);
  });

  it('shows the handbook\'s phone script in both languages, with the requested window in local time', async () => {
    const { order } = await newOrder(h, { start: '2026-11-26T06:00:00Z' }, 'script'); // 14:00 in Shanghai
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    await clickVisit(h, users.bob, 'visit.confirm_window', order.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open' && x.args.view.callback_id === 'visit.confirm_window'));
    const view = JSON.stringify(h.slack.callsTo('views.open').at(-1)!.args.view);
    expect(view).toContain('您好，我是运维工程师bob。11月26日我将于 14:00–16:00 之间为您提供上门服务，您看可以吗？');
    expect(view).toContain('Hello, I am bob, operations engineer. On Thu 26 Nov I will come to you between 14:00–16:00 — does that suit you?');
    // on the day itself the handbook's own words: 今天我将于…
    h.clock.set('2026-11-26T01:00:00Z');
    await clickVisit(h, users.bob, 'visit.confirm_window', order.id);
    await h.slack.waitFor((c) => c.filter((x) => x.method === 'views.open').length >= 2);
    expect(JSON.stringify(h.slack.callsTo('views.open').at(-1)!.args.view)).toContain('今天我将于 14:00–16:00 之间为您提供上门服务，您看可以吗？');
    // the form shows the full number to the engineer: that read is audited
    const reads = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `visit:${order.id}`));
    expect(reads.map((r) => [r.actor, r.action, r.outcome])).toEqual([[users.bob.id, 'customer.phone.read', 'ok'], [users.bob.id, 'customer.phone.read', 'ok']]);
  });

  it('refuses the engineer confirming their own order, with an ephemeral explanation and an audit row', async () => {
    const { order } = await completedOrder(h, '2026-11-26T08:00:00Z', 'self confirm');
    const before = await snapshot(h);
    await clickVisit(h, users.bob, 'visit.callback', order.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('may never confirm for the customer');
    // submitting the callback form directly (a crafted or old modal) is refused the same way
    const res = await submitVisit(h, users.bob, 'visit.callback', { person: vtext('王经理'), rating: vselect('5'), comment: vtext('') }, { id: order.id, v: order.version });
    expect(res.json?.response_action).toBeUndefined();
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args.text).includes('may never confirm')));
    expect((await orderRow(h, order.id)).state).toBe('completed');
    expect(await refusals(h, `visit:${order.id}`)).toEqual([[users.bob.id, 'visit.callback'], [users.bob.id, 'visit.callback']]);
    const after = await snapshot(h);
    expect([after.orders, after.events, after.outbox]).toEqual([before.orders, before.events, before.outbox]);
  });

  it('lets only the assigned engineer check in and complete, and lets dispatchers reassign with a DM', async () => {
    const { order } = await scheduledOrder(h, users.alice, '2026-11-26T09:00:00Z', 'roles');
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('may not');
    await clickVisit(h, users.bob, 'visit.reassign', order.id);
    await h.sink.waitFor((r) => r.length >= 2);
    expect(lastEphemeral(h)).toContain('may not');
    expect(await refusals(h, `visit:${order.id}`)).toEqual([[users.bob.id, 'visit.arrive'], [users.bob.id, 'visit.reassign']]);
    // reassigning to the same engineer is a field error and changes nothing
    const same = await submitVisit(h, users.dora, 'visit.reassign', { engineer: vuser(users.alice.id) }, { id: order.id, v: order.version });
    expect(same.json.response_action).toBe('errors');
    expect(Object.keys(same.json.errors)).toEqual(['engineer']);
    const res = await submitVisit(h, users.dora, 'visit.reassign', { engineer: vuser(users.bob.id) }, { id: order.id, v: order.version });
    expect(res.json?.response_action).toBeUndefined();
    expect((await orderRow(h, order.id)).engineer).toBe(users.bob.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args.text).includes('assigned you visit order')));
    await clickVisit(h, users.alice, 'visit.arrive', order.id);
    await h.sink.waitFor((r) => r.length >= 3);
    expect((await orderRow(h, order.id)).state).toBe('scheduled');
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    expect((await orderRow(h, order.id)).state).toBe('on_site');
  });

  it('updates the dispatch message on Accept to show the engineer, without the Accept button', async () => {
    const { order } = await newOrder(h, {}, 'accept shows engineer');
    expect(JSON.stringify(h.slack.message(DISPATCH, order.slackTs!)?.blocks)).toContain('Nobody yet');
    h.slack.reset();
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && x.args.ts === order.slackTs));
    const update = h.slack.callsTo('chat.update').filter((x) => x.args.ts === order.slackTs).at(-1)!;
    const blocks = JSON.stringify(update.args.blocks);
    expect(blocks).toContain(`*Engineer*\\n<@${users.bob.id}>`);
    expect(blocks).not.toContain('Nobody yet');
    expect(ticketButtons(update.args.blocks)).not.toContain('visit.accept');
  });

  it('refuses to archive a completed order the customer has not confirmed, and changes nothing', async () => {
    const { order } = await completedOrder(h, '2026-11-26T08:00:00Z', 'archive too early');
    const before = await snapshot(h);
    for (const [user, n] of [[users.bob, 1], [users.dora, 2]] as const) {
      await clickVisit(h, user, 'visit.archive', order.id);
      await h.sink.waitFor((r) => r.length >= n);
      expect(lastEphemeral(h)).toContain('is Completed, awaiting customer sign-off: “Archive (交单归档)” is not possible now.');
    }
    expect((await orderRow(h, order.id)).state).toBe('completed');
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses Completed from an engineer who is not the order\'s, with an audit row, and changes nothing', async () => {
    const { order } = await scheduledOrder(h, users.bob, '2026-11-26T09:00:00Z', 'completed by another');
    h.clock.set('2026-11-26T08:52:00Z');
    await clickVisit(h, users.bob, 'visit.arrive', order.id);
    const onSite = await orderRow(h, order.id);
    const before = await snapshot(h);
    await clickVisit(h, users.alice, 'visit.complete', order.id); // the form does not open for her
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('You may not “Completed”');
    const res = await submitVisit(h, users.alice, 'visit.complete', completeValues(), { id: order.id, v: onSite.version }); // a crafted or old form
    expect(res.json?.response_action).toBeUndefined();
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args.text).includes('You may not “Completed”')));
    expect(await orderRow(h, order.id)).toMatchObject({ state: 'on_site', completedAt: null, workDone: null });
    expect(await refusals(h, `visit:${order.id}`)).toEqual([[users.alice.id, 'visit.complete'], [users.alice.id, 'visit.complete']]);
    const after = await snapshot(h);
    expect([after.orders, after.events, after.outbox]).toEqual([before.orders, before.events, before.outbox]);
  });

  it('stores the re-checked address and phone of Confirm window when they differ from the prefill', async () => {
    const { order } = await newOrder(h, { address: '上海市徐汇区漕溪北路 88 号 3 楼', phone: '13812345678' }, 'recheck');
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    await clickVisit(h, users.bob, 'visit.confirm_window', order.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open' && x.args.view.callback_id === 'visit.confirm_window'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    const initial = (id: string) => view.blocks.find((b: any) => b.block_id === id)?.element.initial_value;
    expect([initial('address'), initial('contact_phone')]).toEqual(['上海市徐汇区漕溪北路 88 号 3 楼', '13812345678']);
    const accepted = await orderRow(h, order.id);
    const res = await submitVisit(h, users.bob, 'visit.confirm_window', windowValues({ start: '2026-11-26T07:00:00Z', address: '上海市静安区南京西路 1 号 5 楼', phone: '139 8765 4321' }), { id: order.id, v: accepted.version });
    expect(res.json?.response_action).toBeUndefined();
    const row = await orderRow(h, order.id);
    expect([row.state, row.address, row.contactPhone, row.windowStart?.toISOString(), row.windowAgreedAt?.toISOString()]).toEqual([
      'scheduled',
      '上海市静安区南京西路 1 号 5 楼',
      '13987654321',
      '2026-11-26T07:00:00.000Z',
      '2026-11-25T02:00:00.000Z',
    ]);
  });

  it('stores the time and result of each unanswered call', async () => {
    const { order } = await newOrder(h, {}, 'calls recorded');
    await clickVisit(h, users.bob, 'visit.accept', order.id);
    h.clock.set('2026-11-25T02:30:00Z');
    await submitVisit(h, users.bob, 'visit.unreachable', { call_result: vselect('busy'), called_at: vdate('2026-11-25T02:20:00Z') }, { id: order.id });
    await submitVisit(h, users.bob, 'visit.unreachable', { call_result: vselect('no_answer'), called_at: vdate() }, { id: order.id }); // no time given: now
    const calls = (await h.store.db.select().from(visitEvents).where(eq(visitEvents.orderId, order.id)).orderBy(visitEvents.id)).filter((e) => e.kind === 'unreachable');
    expect(calls.map((e) => [e.actor, e.note, e.data])).toEqual([
      [users.bob.id, 'busy', { attempt: 1, result: 'busy', calledAt: '2026-11-25T02:20:00.000Z' }],
      [users.bob.id, 'no_answer', { attempt: 2, result: 'no_answer', calledAt: '2026-11-25T02:30:00.000Z' }],
    ]);
    expect((await orderRow(h, order.id)).callAttempts).toBe(2);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args.thread_ts === order.slackTs && String(x.args.text).includes('Call 1/3: busy')));
  });

  it('records a decline with its reason, keeps the order open for others, and a dispatcher decline closes it', async () => {
    const { order } = await newOrder(h, {}, 'decline');
    const empty = await submitVisit(h, users.alice, 'visit.decline', { reason: vtext(' ') }, { id: order.id });
    expect(empty.json.response_action).toBe('errors');
    await submitVisit(h, users.alice, 'visit.decline', { reason: vtext('Out of my area') }, { id: order.id });
    expect((await orderRow(h, order.id)).state).toBe('open');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update' && JSON.stringify(x.args.blocks ?? null).includes('Out of my area')));
    await submitVisit(h, users.dora, 'visit.decline', { reason: vtext('Customer to bring the device in') }, { id: order.id });
    const row = await orderRow(h, order.id);
    expect([row.state, row.closeReason]).toEqual(['declined', 'Customer to bring the device in']);
    expect(await eventKinds(h, order.id)).toEqual(['created', 'decline', 'decline']);
  });

  it('lists my orders and shows details with the timeline, the full phone only to the engineer', async () => {
    const { order } = await scheduledOrder(h, users.bob, '2026-11-26T10:00:00Z', 'listing');
    for (const [text, user] of [['mine', users.bob], [order.key.toLowerCase(), users.bob], [order.key, users.alice], ['VO-2026-99999', users.bob]] as const) {
      await h.requester.command('/visit', text, user, { channelId: SUPPORT });
      await h.opsdesk.idle();
    }
    await h.sink.waitFor((r) => r.length >= 4);
    const [mine, engineer, other, missing] = h.sink.received;
    expect(JSON.stringify(mine.blocks)).toContain(order.key);
    expect(JSON.stringify(engineer.blocks)).toContain('13812345678');
    expect(JSON.stringify(engineer.blocks)).toContain('Timeline');
    expect(JSON.stringify(other.blocks)).not.toContain('13812345678');
    expect(missing.text).toContain('There is no visit order VO-2026-99999');
  });

  it('shows the user\'s own visit orders under way on the Home tab', async () => {
    const { order } = await scheduledOrder(h, users.bob, '2026-11-26T11:00:00Z', 'home tab');
    await h.requester.event({ type: 'app_home_opened', user: users.bob.id, channel: 'D0HOME', tab: 'home', event_ts: '1.000001' });
    await h.opsdesk.idle();
    await h.slack.waitFor(() => h.slack.homeViews.has(users.bob.id));
    const home = JSON.stringify(h.slack.homeViews.get(users.bob.id));
    expect(home).toContain('Your visit orders');
    expect(home).toContain(order.key);
    await h.requester.event({ type: 'app_home_opened', user: users.olga.id, channel: 'D0HOME2', tab: 'home', event_ts: '1.000002' });
    await h.opsdesk.idle();
    await h.slack.waitFor(() => h.slack.homeViews.has(users.olga.id));
    expect(JSON.stringify(h.slack.homeViews.get(users.olga.id))).toContain('No visit orders under way.');
  });
});
