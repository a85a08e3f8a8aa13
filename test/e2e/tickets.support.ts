// What the ticket rule tests share: counts of every table a ticket touches, rows, form submissions.
import { count, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { outbox } from '../../src/outbox/outbox.table.js';
import { remoteConsents, remoteSteps, ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { SUPPORT, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';

export const counts = async (h: Harness) => {
  const [t] = await h.store.db.select({ n: count() }).from(tickets);
  const [o] = await h.store.db.select({ n: count() }).from(outbox);
  const [e] = await h.store.db.select({ n: count() }).from(ticketEvents);
  const [c] = await h.store.db.select({ n: count() }).from(remoteConsents);
  const [r] = await h.store.db.select({ n: count() }).from(remoteSteps);
  return { tickets: t!.n, outbox: o!.n, events: e!.n, consents: c!.n, steps: r!.n };
};

/** The ticket row as it is now. */
export const ticketRow = async (h: Harness, id: number) => (await h.store.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
export const eventKinds = async (h: Harness, id: number) =>
  (await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, id)).orderBy(ticketEvents.id)).map((e) => e.kind);

export const lastEphemeral = (h: Harness) => h.sink.received.at(-1)?.text as string | undefined;

export async function submit(h: Harness, user: typeof users.alice, callbackId: string, values: Record<string, Record<string, any>>, meta: unknown, viewId?: string) {
  const res = await h.requester.viewSubmission({ user, callbackId, values, privateMetadata: JSON.stringify(meta), viewId: viewId ?? `V${Math.random().toString(36).slice(2)}` });
  await h.opsdesk.idle();
  return res;
}
export const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
export const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
export const noTime = { value: { type: 'datetimepicker', selected_date_time: null } };
/** A text of `n` characters (Chinese, as users type it: the limits count characters). */
export const long = (n: number) => '长'.repeat(n);

/** Opens a ticket, lets bob take it and resolve it through the Resolve form; returns the resolved row. */
export async function resolvedTicket(h: Harness, title: string) {
  const t = await openTicketViaSlack(h, users.alice, { title });
  await clickTicket(h, users.bob, 'ticket.take', t.id);
  const taken = await ticketRow(h, t.id);
  await submit(h, users.bob, 'ticket.resolve', { cause: text('Config changed'), fix: text('Restored config'), fault_category: select('network') }, { id: t.id, v: taken.version, channel: SUPPORT });
  const row = await ticketRow(h, t.id);
  expect(row.state).toBe('resolved');
  return row;
}
