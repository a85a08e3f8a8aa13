// Helpers that drive visit-order flows the way people in Slack would.
import { desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { outbox } from '../../src/outbox/outbox.table.js';
import { auditLog } from '../../src/platform/audit.table.js';
import { visitEvents, visitOrders } from '../../src/modules/visits/visits.table.js';
import { DISPATCH, type Harness, users } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';

export const vtext = (value?: string) => ({ value: { type: 'plain_text_input', value: value ?? null } });
export const vselect = (value?: string) => ({ value: { type: 'static_select', selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null } });
export const vdate = (d?: Date | string) => ({ value: { type: 'datetimepicker', selected_date_time: d ? Math.floor(new Date(d).getTime() / 1000) : null } });
export const vuser = (u?: string) => ({ value: { type: 'users_select', selected_user: u ?? null } });
export const vtick = (on: boolean) => ({ value: { type: 'checkboxes', selected_options: on ? [{ value: 'yes', text: { type: 'plain_text', text: 'yes' } }] : [] } });

export async function orderRow(h: Harness, id: number) {
  const [row] = await h.store.db.select().from(visitOrders).where(eq(visitOrders.id, id));
  return row!;
}

export async function eventKinds(h: Harness, id: number): Promise<string[]> {
  const rows = await h.store.db.select().from(visitEvents).where(eq(visitEvents.orderId, id)).orderBy(visitEvents.id);
  return rows.map((e) => e.kind);
}

/** Row counts that a refused or invalid action must leave alone. */
export async function snapshot(h: Harness) {
  const [orders, events, messages] = await Promise.all([
    h.store.db.select().from(visitOrders).orderBy(visitOrders.id),
    h.store.db.select().from(visitEvents),
    h.store.db.select({ id: outbox.id }).from(outbox),
  ]);
  return { orders: JSON.stringify(orders), events: events.length, outbox: messages.length };
}

export async function refusals(h: Harness, subject: string) {
  const rows = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, subject)).orderBy(auditLog.id);
  return rows.filter((r) => r.outcome === 'refused').map((r) => [r.actor, r.action]);
}

/** Clicks an order button carrying the order's current version, then waits for the handler. */
export async function clickVisit(h: Harness, user: SlackUser, actionId: string, orderId: number, opts: { version?: number; settle?: boolean } = {}) {
  const row = await orderRow(h, orderId);
  const res = await h.requester.blockAction({
    user,
    actionId,
    value: JSON.stringify({ id: orderId, v: opts.version ?? row.version }),
    channelId: DISPATCH,
    messageTs: row.slackTs ?? undefined,
    triggerId: `trig-${Math.random().toString(36).slice(2)}`,
  });
  if (opts.settle !== false) await h.opsdesk.idle();
  return res;
}

let viewSeq = 0;

/** Submits a visit modal with the given values; `meta` defaults to the order at its current version. */
export async function submitVisit(h: Harness, user: SlackUser, callbackId: string, values: Record<string, Record<string, any>>, meta: Record<string, unknown>, viewId?: string) {
  const res = await h.requester.viewSubmission({ user, callbackId, values, privateMetadata: JSON.stringify(meta), viewId: viewId ?? `VV${++viewSeq}${Date.now()}` });
  await h.opsdesk.idle();
  return res;
}

export interface OrderForm {
  address?: string;
  contactName?: string;
  phone?: string;
  need?: string;
  start?: Date | string;
}

export const orderValues = (f: OrderForm) => ({
  address: vtext(f.address ?? '上海市徐汇区漕溪北路 88 号 3 楼'),
  contact_name: vtext(f.contactName ?? '王经理'),
  contact_phone: vtext(f.phone ?? '13812345678'),
  need: vtext(f.need ?? 'POS till does not boot'),
  window_start: vdate(f.start ?? '2026-11-26T06:00:00Z'),
});

/** Opens a ticket taken by alice and requests a visit through the ticket's button; returns the order row. */
export async function newOrder(h: Harness, form: OrderForm = {}, title = 'Till broken') {
  const ticket = await openTicketViaSlack(h, users.alice, { title, phone: '13812345678', callerName: '王经理', site: 'Store 12' });
  await clickTicket(h, users.alice, 'ticket.take', ticket.id);
  await clickTicket(h, users.alice, 'ticket.request_visit', ticket.id);
  await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open' && x.args.view?.callback_id === 'visit.create' && JSON.stringify(x.args.view).includes(ticket.key)));
  const view = h.slack.callsTo('views.open').filter((x) => x.args.view?.callback_id === 'visit.create').at(-1)!.args.view;
  const res = await submitVisit(h, users.alice, 'visit.create', orderValues(form), JSON.parse(view.private_metadata));
  expect(res.json?.response_action).toBeUndefined();
  const [row] = await h.store.db.select().from(visitOrders).where(eq(visitOrders.ticketId, ticket.id)).orderBy(desc(visitOrders.id));
  await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.args.channel === DISPATCH && JSON.stringify(x.args.blocks ?? '').includes(row!.key)));
  // The worker records where the message landed just after Slack answered: wait for that too.
  for (let i = 0; i < 200 && !(await orderRow(h, row!.id)).slackTs; i++) await new Promise((r) => setTimeout(r, 10));
  await h.opsdesk.worker.drain();
  return { ticket, order: (await orderRow(h, row!.id))! };
}

/** An order accepted by `engineer` with the window agreed to start at `start`. */
export async function scheduledOrder(h: Harness, engineer: SlackUser, start: Date | string, title = 'Scheduled visit', form: OrderForm = {}) {
  const { ticket, order } = await newOrder(h, { ...form, start }, title);
  await clickVisit(h, engineer, 'visit.accept', order.id);
  const accepted = await orderRow(h, order.id);
  const res = await submitVisit(h, engineer, 'visit.confirm_window', windowValues({ start }), { id: order.id, v: accepted.version });
  expect(res.json?.response_action).toBeUndefined();
  const row = await orderRow(h, order.id);
  expect(row.state).toBe('scheduled');
  return { ticket, order: row };
}

export const windowValues = (f: { start?: Date | string; agreed?: boolean; phone?: string; address?: string }) => ({
  window_start: vdate(f.start),
  address: vtext(f.address ?? '上海市徐汇区漕溪北路 88 号 3 楼'),
  contact_name: vtext('王经理'),
  contact_phone: vtext(f.phone ?? '13812345678'),
  agreed: vtick(f.agreed ?? true),
});

export const lateValues = (f: { reason?: string; detail?: string; eta?: Date | string; newStart?: Date | string; told?: boolean }) => ({
  reason: vselect(f.reason ?? 'traffic'),
  detail: vtext(f.detail),
  eta: vdate(f.eta),
  new_window: vdate(f.newStart),
  told: vtick(f.told ?? true),
});

export const completeValues = (f: { workDone?: string; parts?: string; result?: string; followUp?: string; followUpNote?: string } = {}) => ({
  work_done: vtext(f.workDone ?? 'Replaced the till power supply; tested a sale'),
  parts: vtext(f.parts ?? 'PSU 12V'),
  result: vselect(f.result ?? 'resolved'),
  follow_up: vselect(f.followUp ?? 'no'),
  follow_up_note: vtext(f.followUpNote),
});

/** Drives an order to `completed` (accepted by bob, window agreed, arrived, completed); returns it. */
export async function completedOrder(h: Harness, start: Date | string, title = 'Completed visit', form: OrderForm = {}) {
  const { ticket, order } = await scheduledOrder(h, users.bob, start, title, form);
  h.clock.set(new Date(new Date(start).getTime() - 7 * 60_000));
  await clickVisit(h, users.bob, 'visit.arrive', order.id);
  const onSite = await orderRow(h, order.id);
  expect(onSite.state).toBe('on_site');
  const res = await submitVisit(h, users.bob, 'visit.complete', completeValues(), { id: order.id, v: onSite.version });
  expect(res.json?.response_action).toBeUndefined();
  return { ticket, order: await orderRow(h, order.id) };
}

/** The sign-off link and code from the engineer's latest sign-off DM in the outbox. */
export async function signoffFromDm(h: Harness, key: string): Promise<{ url: string; code: string }> {
  const rows = await h.store.db.select().from(outbox).where(eq(outbox.kind, 'dm')).orderBy(desc(outbox.id));
  const dm = rows.find((r) => r.payload.text.includes(`*${key}*`) && r.payload.text.includes('/visit/signoff/'));
  if (!dm) throw new Error(`no sign-off DM for ${key}`);
  const url = /<(http[^\s>|]+\/visit\/signoff\/[^\s>|]+)>/.exec(dm.payload.text)![1]!;
  const code = /\*(\d{6})\*/.exec(dm.payload.text)![1]!;
  return { url, code };
}
