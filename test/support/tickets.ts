// Helpers that drive ticket flows the way a person in Slack would.
import { desc, eq } from 'drizzle-orm';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import type { Harness } from './harness.js';
import { SUPPORT } from './harness.js';
import type { SlackUser } from './slack-client.js';

export interface TicketForm {
  title?: string;
  newCustomer?: string;
  customerId?: string;
  site?: string;
  callerName?: string;
  phone?: string;
  product?: string;
  category?: string;
  priority?: string;
  description?: string;
  expectedAt?: Date;
  /** The form's quick choice; 'sla' when neither it nor `expectedAt` is given, null for none at all. */
  expectedPreset?: string | null;
}

/** The view_submission values of the ticket form, as Slack would send them. */
export function ticketFormValues(f: TicketForm): Record<string, Record<string, any>> {
  const text = (value?: string) => ({ value: { type: 'plain_text_input', value: value ?? null } });
  const preset = f.expectedPreset === undefined ? (f.expectedAt ? undefined : 'sla') : f.expectedPreset;
  const select = (value?: string) => ({ value: { type: 'static_select', selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null } });
  return {
    customer: { 'ticket.customer_pick': { type: 'external_select', selected_option: f.customerId ? { value: f.customerId, text: { type: 'plain_text', text: 'x' } } : null } },
    new_customer: text(f.newCustomer),
    site: text(f.site),
    caller_name: text(f.callerName),
    caller_phone: text(f.phone),
    product: text(f.product),
    category: select(f.category ?? 'network'),
    priority: select(f.priority ?? 'P3'),
    title: text(f.title),
    description: text(f.description),
    expected_preset: { value: { type: 'radio_buttons', selected_option: preset ? { value: preset, text: { type: 'plain_text', text: preset } } : null } },
    expected: { value: { type: 'datetimepicker', selected_date_time: f.expectedAt ? Math.floor(f.expectedAt.getTime() / 1000) : null } },
  };
}

let viewSeq = 0;

/** Submits the ticket form and waits until the ticket's message is posted; returns the ticket row. */
export async function openTicketViaSlack(h: Harness, user: SlackUser, form: TicketForm, opts: { viewId?: string; wait?: boolean } = {}) {
  const viewId = opts.viewId ?? `VFORM${++viewSeq}${Date.now()}`;
  const res = await h.requester.viewSubmission({
    user,
    callbackId: 'ticket.create',
    viewId,
    values: ticketFormValues({ newCustomer: 'Test customer', ...form }),
    privateMetadata: JSON.stringify({ channel: SUPPORT }),
  });
  if (res.status !== 200 || res.text) throw new Error(`form rejected: ${res.status} ${res.text}`);
  await h.opsdesk.idle();
  const [row] = await h.store.db.select().from(tickets).where(eq(tickets.requestKey, `view:${viewId}`)).orderBy(desc(tickets.id));
  if (!row) throw new Error('ticket was not created');
  if (opts.wait !== false) {
    const key = row.key;
    await h.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.response?.ok && JSON.stringify(c.args.blocks ?? '').includes(key)));
    // Slack has answered; wait until the worker has also stored the message's ts on the row, so its
    // short row lock is gone before the test goes on (a sweep skips rows another transaction holds).
    const until = Date.now() + 5000;
    for (;;) {
      const [posted] = await h.store.db.select().from(tickets).where(eq(tickets.id, row.id));
      if (posted?.slackTs) return posted;
      if (Date.now() > until) throw new Error(`${key}: its message was posted but its ts was never stored`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return row;
}

/** The action ids of the buttons in a message's blocks. */
export function ticketButtons(blocks: any[]): string[] {
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));
}

/** Clicks a ticket button carrying the ticket's current version (as its latest message shows), then waits for the handler to finish. */
export async function clickTicket(h: Harness, user: SlackUser, actionId: string, ticketId: number, version?: number, settle = true) {
  const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, ticketId));
  const res = await h.requester.blockAction({
    user,
    actionId,
    value: JSON.stringify({ id: ticketId, v: version ?? row!.version }),
    channelId: SUPPORT,
    messageTs: row!.slackTs ?? undefined,
    triggerId: `trig-${Date.now()}`,
  });
  if (settle) await h.opsdesk.idle();
  return res;
}
