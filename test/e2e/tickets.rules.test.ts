// The ticket flow's promises, driven exactly as Slack drives the app.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { auditLog } from '../../src/platform/audit.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { remoteConsents, remoteSteps, ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { storeName } from '../support/db.js';
import { startHarness, SUPPORT, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack, ticketButtons, ticketFormValues } from '../support/tickets.js';

const counts = async (h: Harness) => {
  const [t] = await h.store.db.select({ n: count() }).from(tickets);
  const [o] = await h.store.db.select({ n: count() }).from(outbox);
  const [e] = await h.store.db.select({ n: count() }).from(ticketEvents);
  const [c] = await h.store.db.select({ n: count() }).from(remoteConsents);
  const [r] = await h.store.db.select({ n: count() }).from(remoteSteps);
  return { tickets: t!.n, outbox: o!.n, events: e!.n, consents: c!.n, steps: r!.n };
};

/** The ticket row as it is now. */
const ticketRow = async (h: Harness, id: number) => (await h.store.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
const eventKinds = async (h: Harness, id: number) =>
  (await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, id)).orderBy(ticketEvents.id)).map((e) => e.kind);

const lastEphemeral = (h: Harness) => h.sink.received.at(-1)?.text as string | undefined;

async function submit(h: Harness, user: typeof users.alice, callbackId: string, values: Record<string, Record<string, any>>, meta: unknown, viewId?: string) {
  const res = await h.requester.viewSubmission({ user, callbackId, values, privateMetadata: JSON.stringify(meta), viewId: viewId ?? `V${Math.random().toString(36).slice(2)}` });
  await h.opsdesk.idle();
  return res;
}
const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });
const noTime = { value: { type: 'datetimepicker', selected_date_time: null } };
/** A text of `n` characters (Chinese, as users type it: the limits count characters). */
const long = (n: number) => '长'.repeat(n);

/** Opens a ticket, lets bob take it and resolve it through the Resolve form; returns the resolved row. */
async function resolvedTicket(h: Harness, title: string) {
  const t = await openTicketViaSlack(h, users.alice, { title });
  await clickTicket(h, users.bob, 'ticket.take', t.id);
  const taken = await ticketRow(h, t.id);
  await submit(h, users.bob, 'ticket.resolve', { cause: text('Config changed'), fix: text('Restored config'), fault_category: select('network') }, { id: t.id, v: taken.version, channel: SUPPORT });
  const row = await ticketRow(h, t.id);
  expect(row.state).toBe('resolved');
  return row;
}

describe(`ticket rules end to end (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('answers 401 to unsigned, wrongly signed and stale requests and changes nothing', async () => {
    const before = await counts(h);
    const values = ticketFormValues({ title: 'should not exist', newCustomer: 'X' });
    for (const opts of [{ sign: 'none' as const }, { sign: 'wrong' as const }, { timestampOffsetSec: -6 * 60 }]) {
      const res = await h.requester.viewSubmission({ user: users.alice, callbackId: 'ticket.create', values, privateMetadata: '{}' }, opts);
      expect(res.status).toBe(401);
      const cmd = await h.requester.command('/ticket', 'list', users.alice, { channelId: SUPPORT, ...opts });
      expect(cmd.status).toBe(401);
    }
    expect(await counts(h)).toEqual(before);
    expect(h.slack.calls).toHaveLength(0);
  });

  it.each([
    ['an empty title', { title: '   ' }, 'title'],
    ['a phone that is not a phone number', { title: 'ok', phone: '138-abc' }, 'caller_phone'],
    ['an expected time in the past', { title: 'ok', expectedAt: new Date('2026-11-24T00:00:00Z') }, 'expected'],
    ['a title over 150 characters', { title: 'x'.repeat(151) }, 'title'],
    ['a description over 3000 characters', { title: 'ok', description: '长'.repeat(3001) }, 'description'],
    ['no customer at all', { title: 'ok', newCustomer: '' }, 'customer'],
    ['a site over 150 characters', { title: 'ok', site: long(151) }, 'site'],
    ['a caller name over 60 characters', { title: 'ok', callerName: long(61) }, 'caller_name'],
    ['a product over 75 characters', { title: 'ok', product: long(76) }, 'product'],
    ['a caller phone over 30 characters', { title: 'ok', phone: `1 3 8 1 2 3 4 5 6 7 8${' '.repeat(9)}-` }, 'caller_phone'],
    ['a new customer name over 100 characters', { title: 'ok', newCustomer: long(101) }, 'new_customer'],
  ])('refuses %s with a field error and writes nothing', async (_name, form, field) => {
    const before = await counts(h);
    const res = await submit(h, users.alice, 'ticket.create', ticketFormValues({ newCustomer: 'C', ...form }), { channel: SUPPORT });
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toContain(field);
    expect(await counts(h)).toEqual(before);
  });

  it('keeps <!channel> and links typed by users out of every message', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: '<!channel> urgent & <!here>', description: '<https://evil.example|click me> <@U0SAM>', callerName: '<!everyone>' });
    await clickTicket(h, users.alice, 'ticket.take', t.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update'));
    // Everything Slack parses as mrkdwn: message text and mrkdwn objects (plain_text is never parsed).
    const parsed: string[] = [];
    const walk = (node: any): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        if (node.type === 'mrkdwn') parsed.push(node.text);
        Object.values(node).forEach(walk);
      }
    };
    for (const c of h.slack.calls) {
      if (typeof c.args.text === 'string') parsed.push(c.args.text);
      walk(c.args.blocks);
    }
    const all = parsed.join('\n');
    expect(all).not.toMatch(/<!channel>|<!here>|<!everyone>|<https:\/\/evil|<@U0SAM>/);
    expect(all).toContain('&lt;!channel&gt; urgent &amp; &lt;!here&gt;');
  });

  it('posts new tickets with the buttons of their state and the due times of the default policy', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'P2 due times', priority: 'P2' });
    expect(t.responseDueAt.getTime() - t.createdAt.getTime()).toBe(30 * 60_000);
    expect(t.resolutionDueAt.getTime() - t.createdAt.getTime()).toBe(8 * 3600_000);
    const post = h.slack.posted().at(-1)!;
    expect(ticketButtons(post.args.blocks)).toEqual(['ticket.take', 'ticket.assign', 'ticket.cancel']);
    expect(t.expectedAt).toBeNull();
  });

  it('opens one ticket when Slack delivers the same submission twice', async () => {
    const before = await counts(h);
    const values = ticketFormValues({ title: 'twice', newCustomer: 'Twice Co' });
    const args = { user: users.alice, callbackId: 'ticket.create', values, privateMetadata: JSON.stringify({ channel: SUPPORT }), viewId: 'VSAMEVIEW1' };
    await Promise.all([h.requester.viewSubmission(args), h.requester.viewSubmission(args)]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args.blocks).includes('twice')));
    const after = await counts(h);
    expect(after.tickets).toBe(before.tickets + 1);
  });

  it('leaves exactly one assignee when two engineers press Take at once', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'race' });
    const [a, b] = await Promise.all([clickTicket(h, users.alice, 'ticket.take', t.id, t.version, false), clickTicket(h, users.bob, 'ticket.take', t.id, t.version, false)]);
    await h.opsdesk.idle();
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.sink.waitFor((r) => r.length >= 1);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    const takes = await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(takes.filter((e) => e.kind === 'take')).toHaveLength(1);
    const loser = row!.assignee === users.alice.id ? users.bob : users.alice;
    expect([users.alice.id, users.bob.id]).toContain(row!.assignee);
    expect(lastEphemeral(h)).toContain(`already taken by <@${row!.assignee}>`);
    expect(h.sink.requests.at(-1)!.body.replace_original).toBe(false);
    expect(loser.id).not.toBe(row!.assignee);
  });

  it('changes nothing on a double click', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'double' });
    await clickTicket(h, users.alice, 'ticket.take', t.id, t.version);
    await clickTicket(h, users.alice, 'ticket.take', t.id, t.version);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('Already done');
    const events = await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(events.map((e) => e.kind)).toEqual(['created', 'take']);
  });

  it('works a ticket through remote help, waiting, resolution and closing, one thread reply per step', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'lifecycle', phone: '13912345678', callerName: '王经理' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);

    // Log remote step: first the consent form, which turns into the step form.
    await clickTicket(h, users.bob, 'ticket.remote', t.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('ticket.consent');
    const consent = await submit(h, users.bob, 'ticket.consent', { consented_by: text('王经理'), consent_method: select('phone'), consented_at: { value: { type: 'datetimepicker', selected_date_time: null } } }, { id: t.id, channel: SUPPORT });
    expect(consent.json.response_action).toBe('update');
    expect(consent.json.view.callback_id).toBe('ticket.step');
    await submit(h, users.bob, 'ticket.step', { step: text('Restarted the print spooler'), result: text('Queue cleared') }, { id: t.id, channel: SUPPORT });

    await clickTicket(h, users.bob, 'ticket.wait', t.id);
    await clickTicket(h, users.bob, 'ticket.resume', t.id);
    // Resolve needs cause, fix and category: missing ones are field errors.
    const [cur] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    const bad = await submit(h, users.bob, 'ticket.resolve', { cause: text(''), fix: text('x'), fault_category: select('printer') }, { id: t.id, v: cur!.version, channel: SUPPORT });
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors)).toEqual(['cause']);
    await submit(h, users.bob, 'ticket.resolve', { cause: text('Spooler hung'), fix: text('Restarted spooler'), fault_category: select('printer') }, { id: t.id, v: cur!.version, channel: SUPPORT });
    await clickTicket(h, users.alice, 'ticket.close', t.id); // alice is not the assignee: refused
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('may not')));
    await clickTicket(h, users.bob, 'ticket.close', t.id);

    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.state).toBe('closed');
    expect(row!.cause).toBe('Spooler hung');
    const events = await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(events.map((e) => e.kind)).toEqual(['created', 'take', 'remote_consent', 'remote_step', 'wait_customer', 'resume', 'resolve', 'close']);
    expect(await h.store.db.select().from(remoteConsents).where(eq(remoteConsents.ticketId, t.id))).toHaveLength(1);
    expect(await h.store.db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, t.id))).toHaveLength(1);
    const refused = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `ticket:${t.id}`));
    expect(refused.map((a) => [a.actor, a.action, a.outcome])).toContainEqual([users.alice.id, 'ticket.close', 'refused']);

    await h.slack.waitFor((c) => c.filter((x) => x.method === 'chat.postMessage' && x.args.thread_ts === row!.slackTs).length >= 7);
    const replies = h.slack.posted().filter((c) => c.args.thread_ts === row!.slackTs);
    expect(replies).toHaveLength(7);
    const finalMessage = h.slack.message(SUPPORT, row!.slackTs!)!;
    expect(JSON.stringify(finalMessage.blocks)).toContain('Closed');
    expect(ticketButtons(finalMessage.blocks as any[])).toEqual([]);
  });

  it('refuses remote steps before consent and resolving without the assignee', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'no consent' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    await submit(h, users.bob, 'ticket.step', { step: text('poke'), result: text('nothing') }, { id: t.id, channel: SUPPORT });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral'));
    expect(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text).toContain('consent');
    expect(await h.store.db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, t.id))).toHaveLength(0);
  });

  it('lets supervisors assign, DMs the new assignee, and refuses engineers', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'assign me' });
    await clickTicket(h, users.alice, 'ticket.assign', t.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('may not');
    await clickTicket(h, users.sam, 'ticket.assign', t.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    await submit(h, users.sam, 'ticket.assign', { assignee: { value: { type: 'users_select', selected_user: users.bob.id } } }, { id: t.id, v: t.version, channel: SUPPORT });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'conversations.open'));
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.assignee).toBe(users.bob.id);
    expect(row!.state).toBe('new');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && String(x.args.text).includes('assigned you')));
  });

  it('cancels with a reason and refuses an empty one', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'cancel me' });
    const empty = await submit(h, users.sam, 'ticket.cancel', { reason: text('  ') }, { id: t.id, v: t.version, channel: SUPPORT });
    expect(empty.json.response_action).toBe('errors');
    await submit(h, users.sam, 'ticket.cancel', { reason: text('Duplicate of another call') }, { id: t.id, v: t.version, channel: SUPPORT });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update'));
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect([row!.state, row!.cancelReason]).toEqual(['cancelled', 'Duplicate of another call']);
    // reopen is only from resolved
    await clickTicket(h, users.sam, 'ticket.reopen', t.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('not possible');
  });

  it('shows the full phone on Show phone only to the assignee, supervisors and dispatchers, auditing every attempt', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'phone', phone: '13700001111' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    const seen: Record<string, boolean> = {};
    for (const user of [users.alice, users.bob, users.sam, users.dora, users.olga]) {
      h.sink.received.length = 0;
      await clickTicket(h, user, 'ticket.phone', t.id);
      await h.sink.waitFor((r) => r.length >= 1);
      seen[user.name] = lastEphemeral(h)!.includes('13700001111');
    }
    expect(seen).toEqual({ alice: false, bob: true, sam: true, dora: true, olga: false });
    const reads = await h.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'customer.phone.read'), eq(auditLog.subject, `ticket:${t.id}`)));
    expect(reads.map((r) => [r.actor, r.outcome])).toEqual([
      [users.alice.id, 'refused'],
      [users.bob.id, 'ok'],
      [users.sam.id, 'ok'],
      [users.dora.id, 'ok'],
      [users.olga.id, 'refused'],
    ]);
  });

  it('lists open tickets, mine, and shows details with the timeline', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'listed one' });
    await clickTicket(h, users.alice, 'ticket.take', t.id);
    for (const [text, user] of [['list', users.alice], ['mine', users.alice], [t.key.toLowerCase(), users.bob], ['OPS-2026-99999', users.bob]] as const) {
      await h.requester.command('/ticket', text, user, { channelId: SUPPORT });
      await h.opsdesk.idle();
    }
    await h.sink.waitFor((r) => r.length >= 4);
    const [list, mine, details, missing] = h.sink.received;
    expect(JSON.stringify(list.blocks)).toContain(t.key);
    expect(JSON.stringify(mine.blocks)).toContain(t.key);
    expect(JSON.stringify(details.blocks)).toContain('Timeline');
    expect(JSON.stringify(details.blocks)).toContain('took');
    expect(missing.text).toContain('There is no ticket OPS-2026-99999');
    for (const r of h.sink.received) expect(r.response_type).toBe('ephemeral');
  });

  it('opens a ticket from a message with the shortcut, linking back to it', async () => {
    await h.requester.messageShortcut({ user: users.alice, callbackId: 'open_ticket', channelId: 'C0GENERAL', message: { ts: '1700000000.000200', text: 'The till at store 7 is frozen' } });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.blocks.find((b: any) => b.block_id === 'description').element.initial_value).toBe('The till at store 7 is frozen');
    const meta = JSON.parse(view.private_metadata);
    const res = await h.requester.viewSubmission({ user: users.alice, callbackId: 'ticket.create', values: ticketFormValues({ title: 'Till frozen', newCustomer: 'Store 7' }), privateMetadata: view.private_metadata, viewId: 'VSHORTCUT1' });
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args.blocks).includes('Till frozen')));
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.requestKey, 'view:VSHORTCUT1'));
    expect([row!.originChannel, row!.originMessageTs, row!.slackChannel]).toEqual(['C0GENERAL', '1700000000.000200', SUPPORT]);
    expect(meta.originTs).toBe('1700000000.000200');
    expect(JSON.stringify(h.slack.posted().at(-1)!.args.blocks)).toContain('archives/C0GENERAL/p1700000000000200');
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postEphemeral'));
    expect(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text).toContain(row!.key);
  });

  it('offers existing customers in the picker', async () => {
    await openTicketViaSlack(h, users.alice, { title: 'picker', newCustomer: '上海示例连锁超市' });
    const res = await h.requester.blockSuggestion({ user: users.alice, actionId: 'ticket.customer_pick', blockId: 'customer', value: '示例' });
    expect(res.status).toBe(200);
    expect(res.json.options.map((o: any) => o.text.text)).toContain('上海示例连锁超市');
  });

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${h.opsdesk.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, store: storeName });
  });
});

// Reopen, the phone rule, the forms' limits and repeated deliveries, on their own store so the
// queue listed above stays short.
describe(`ticket rules end to end: reopen, phone, limits, repeats (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('shows the full phone in /ticket details to the same people as Show phone, auditing each full read', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'details phone', phone: '13700002222' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    const shown: Record<string, string> = {};
    for (const user of [users.alice, users.bob, users.sam, users.dora, users.olga]) {
      h.sink.received.length = 0;
      await h.requester.command('/ticket', t.key, user, { channelId: SUPPORT });
      await h.opsdesk.idle();
      await h.sink.waitFor((r) => r.length >= 1);
      const details = JSON.stringify(h.sink.received[0].blocks);
      expect(details).toContain('Timeline');
      shown[user.name] = details.includes('13700002222') ? 'full' : details.includes('137****2222') ? 'masked' : 'none';
    }
    expect(shown).toEqual({ alice: 'masked', bob: 'full', sam: 'full', dora: 'full', olga: 'masked' });
    // Only full reads are reads of customer data: one audit row each, none for the masked views.
    const reads = await h.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'customer.phone.read'), eq(auditLog.subject, `ticket:${t.id}`)));
    expect(reads.map((r) => [r.actor, r.outcome])).toEqual([
      [users.bob.id, 'ok'],
      [users.sam.id, 'ok'],
      [users.dora.id, 'ok'],
    ]);
  });

  it('reopens a resolved ticket for its assignee: back in progress, an event, the message updated and a thread reply', async () => {
    const t = await resolvedTicket(h, 'comes back');
    expect(t.resolvedAt).not.toBeNull();
    await h.deliver();
    h.slack.reset();
    await clickTicket(h, users.bob, 'ticket.reopen', t.id);
    await h.deliver();

    const row = await ticketRow(h, t.id);
    expect([row.state, row.assignee, row.resolvedAt, row.version]).toEqual(['in_progress', users.bob.id, null, t.version + 1]);
    const [reopen] = await h.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.kind, 'reopen')));
    expect(reopen).toMatchObject({ actor: users.bob.id, fromState: 'resolved', toState: 'in_progress' });
    expect(await eventKinds(h, t.id)).toEqual(['created', 'take', 'resolve', 'reopen']);

    const message = h.slack.message(SUPPORT, row.slackTs!)!;
    expect(JSON.stringify(message.blocks)).toContain('In progress');
    expect(ticketButtons(message.blocks as any[])).toEqual(['ticket.assign', 'ticket.remote', 'ticket.wait', 'ticket.resolve', 'ticket.extend', 'ticket.cancel', 'ticket.request_visit']);
    expect(h.slack.callsTo('chat.update').filter((c) => c.args.ts === row.slackTs)).toHaveLength(1);
    const replies = h.slack.posted().filter((c) => c.args.thread_ts === row.slackTs);
    expect(replies.map((c) => c.args.text)).toEqual([`<@${users.bob.id}> reopened the ticket · Resolved → In progress`]);
    expect(h.sink.received).toHaveLength(0); // no error for the user
  });

  it('lets any engineer reopen a resolved ticket, which stays with its assignee', async () => {
    const t = await resolvedTicket(h, 'customer called back');
    await clickTicket(h, users.alice, 'ticket.reopen', t.id);
    const row = await ticketRow(h, t.id);
    expect([row.state, row.assignee]).toEqual(['in_progress', users.bob.id]);
    const [reopen] = await h.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.kind, 'reopen')));
    expect(reopen!.actor).toBe(users.alice.id);
  });

  it('refuses Reopen by someone outside the team, with an audit row, and changes nothing', async () => {
    const t = await resolvedTicket(h, 'not yours to reopen');
    const before = await counts(h);
    await clickTicket(h, users.olga, 'ticket.reopen', t.id);
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('only engineers, supervisors and dispatchers can');
    expect(await counts(h)).toEqual(before);
    const row = await ticketRow(h, t.id);
    expect([row.state, row.version]).toEqual(['resolved', t.version]);
    const audits = await h.store.db.select().from(auditLog).where(eq(auditLog.subject, `ticket:${t.id}`));
    expect(audits.map((a) => [a.actor, a.action, a.outcome])).toEqual([[users.olga.id, 'ticket.reopen', 'refused']]);
  });

  it.each([
    ['closed', async (h: Harness, id: number) => clickTicket(h, users.bob, 'ticket.close', id)],
    ['cancelled', async (h: Harness, id: number) => {
      const row = await ticketRow(h, id);
      await submit(h, users.sam, 'ticket.cancel', { reason: text('Raised twice') }, { id, v: row.version, channel: SUPPORT });
    }],
  ] as const)('refuses Reopen on a %s ticket and changes nothing', async (state, finish) => {
    const t = state === 'closed' ? await resolvedTicket(h, `reopen ${state}`) : await openTicketViaSlack(h, users.alice, { title: `reopen ${state}` });
    await finish(h, t.id);
    const done = await ticketRow(h, t.id);
    expect(done.state).toBe(state);
    const before = await counts(h);
    h.sink.received.length = 0;
    await clickTicket(h, users.sam, 'ticket.reopen', t.id); // a supervisor: only the state refuses it
    await h.sink.waitFor((r) => r.length >= 1);
    expect(lastEphemeral(h)).toContain('not possible');
    expect(await counts(h)).toEqual(before);
    expect((await ticketRow(h, t.id)).version).toBe(done.version);
  });

  describe('server-side text limits on the action forms', () => {
    /** A ticket bob has taken, with the customer's consent recorded (so remote steps are possible). */
    async function workedTicket(title: string) {
      const t = await openTicketViaSlack(h, users.alice, { title });
      await clickTicket(h, users.bob, 'ticket.take', t.id);
      await submit(h, users.bob, 'ticket.consent', { consented_by: text('王经理'), consent_method: select('phone'), consented_at: noTime }, { id: t.id, channel: SUPPORT });
      return ticketRow(h, t.id);
    }

    it.each([
      ['a cause over 1000 characters', 'ticket.resolve', { cause: text(long(1001)), fix: text('ok'), fault_category: select('network') }, { cause: 'at most 1000' }],
      ['a fix over 2000 characters', 'ticket.resolve', { cause: text('ok'), fix: text(long(2001)), fault_category: select('network') }, { fix: 'at most 2000' }],
      ['a fault category that is not configured', 'ticket.resolve', { cause: text('ok'), fix: text('ok'), fault_category: select('plumbing') }, { fault_category: 'required' }],
      ['a cancel reason over 500 characters', 'ticket.cancel', { reason: text(long(501)) }, { reason: 'at most 500' }],
      ['a remote step over 1000 characters', 'ticket.step', { step: text(long(1001)), result: text('ok') }, { step: 'at most 1000' }],
      ['a remote step result over 1000 characters', 'ticket.step', { step: text('ok'), result: text(long(1001)) }, { result: 'at most 1000' }],
      ['a consenting name over 60 characters', 'ticket.consent', { consented_by: text(long(61)), consent_method: select('phone'), consented_at: noTime }, { consented_by: 'at most 60' }],
      ['an unknown consent method', 'ticket.consent', { consented_by: text('王经理'), consent_method: select('telepathy'), consented_at: noTime }, { consent_method: 'required' }],
    ])('refuses %s with a field error and writes nothing', async (_name, callbackId, values, expected) => {
      const t = await workedTicket(`limits ${callbackId}`);
      const before = await counts(h);
      const res = await submit(h, users.bob, callbackId, values, { id: t.id, v: t.version, channel: SUPPORT });
      expect(res.status).toBe(200);
      expect(res.json.response_action).toBe('errors');
      expect(Object.keys(res.json.errors)).toEqual(Object.keys(expected));
      for (const [field, words] of Object.entries(expected)) expect(res.json.errors[field]).toContain(words);
      expect(await counts(h)).toEqual(before);
      expect((await ticketRow(h, t.id)).version).toBe(t.version);
    });

    it('accepts texts at their limits', async () => {
      const t = await workedTicket('at the limits');
      const step = await submit(h, users.bob, 'ticket.step', { step: text(long(1000)), result: text(long(1000)) }, { id: t.id, channel: SUPPORT });
      expect(step.text).toBe('');
      const cur = await ticketRow(h, t.id);
      const resolve = await submit(h, users.bob, 'ticket.resolve', { cause: text(long(1000)), fix: text(long(2000)), fault_category: select('network') }, { id: t.id, v: cur.version, channel: SUPPORT });
      expect(resolve.text).toBe('');
      const row = await ticketRow(h, t.id);
      expect([row.state, [...row.cause!].length, [...row.fix!].length]).toEqual(['resolved', 1000, 2000]);
      expect(await h.store.db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, t.id))).toHaveLength(1);
    });
  });

  describe('consent and remote step submissions delivered twice', () => {
    it('records one consent when Slack delivers the consent form twice, and answers both with the step form', async () => {
      const t = await openTicketViaSlack(h, users.alice, { title: 'consent twice' });
      await clickTicket(h, users.bob, 'ticket.take', t.id);
      const before = await counts(h);
      const args = {
        user: users.bob,
        callbackId: 'ticket.consent',
        viewId: 'VCONSENTTWICE',
        values: { consented_by: text('王经理'), consent_method: select('phone'), consented_at: noTime },
        privateMetadata: JSON.stringify({ id: t.id, channel: SUPPORT }),
      };
      const answers = await Promise.all([h.requester.viewSubmission(args), h.requester.viewSubmission(args)]);
      await h.opsdesk.idle();
      expect(answers.map((a) => [a.json.response_action, a.json.view.callback_id])).toEqual([['update', 'ticket.step'], ['update', 'ticket.step']]);
      const after = await counts(h);
      // One consent row, one event, one message update and one thread reply.
      expect({ consents: after.consents - before.consents, events: after.events - before.events, outbox: after.outbox - before.outbox }).toEqual({ consents: 1, events: 1, outbox: 2 });
      expect(await eventKinds(h, t.id)).toEqual(['created', 'take', 'remote_consent']);

      // Slack keeps the view id when the consent form turns into the step form: that step is still logged.
      await submit(h, users.bob, 'ticket.step', { step: text('Checked the router'), result: text('Channel congested') }, { id: t.id, channel: SUPPORT }, 'VCONSENTTWICE');
      expect(await h.store.db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, t.id))).toHaveLength(1);
    });

    it('logs one step when Slack delivers the same step submission twice, at once or later', async () => {
      const t = await openTicketViaSlack(h, users.alice, { title: 'step twice' });
      await clickTicket(h, users.bob, 'ticket.take', t.id);
      await submit(h, users.bob, 'ticket.consent', { consented_by: text('王经理'), consent_method: select('phone'), consented_at: noTime }, { id: t.id, channel: SUPPORT });
      const before = await counts(h);
      const args = {
        user: users.bob,
        callbackId: 'ticket.step',
        viewId: 'VSTEPTWICE',
        values: { step: text('Restarted the spooler'), result: text('Queue cleared') },
        privateMetadata: JSON.stringify({ id: t.id, channel: SUPPORT }),
      };
      const answers = await Promise.all([h.requester.viewSubmission(args), h.requester.viewSubmission(args)]);
      await h.opsdesk.idle();
      const late = await h.requester.viewSubmission(args);
      await h.opsdesk.idle();
      expect([...answers, late].map((a) => [a.status, a.text])).toEqual([[200, ''], [200, ''], [200, '']]);
      const after = await counts(h);
      expect({ steps: after.steps - before.steps, events: after.events - before.events, outbox: after.outbox - before.outbox }).toEqual({ steps: 1, events: 1, outbox: 2 });
      const [event] = await h.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, t.id), eq(ticketEvents.kind, 'remote_step')));
      expect(event!.data).toEqual({ requestKey: 'ticket.step:VSTEPTWICE' });
      expect(h.sink.received).toHaveLength(0);
      expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0); // the repeat told nobody anything

      // A new step form (a new view id) is new work and is logged.
      await submit(h, users.bob, 'ticket.step', { step: text('Restarted the spooler'), result: text('Queue cleared') }, { id: t.id, channel: SUPPORT }, 'VSTEPAGAIN');
      expect(await h.store.db.select().from(remoteSteps).where(eq(remoteSteps.ticketId, t.id))).toHaveLength(2);
    });
  });
});
