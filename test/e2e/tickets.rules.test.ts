// The ticket flow's promises, driven exactly as Slack drives the app.
import { beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/platform/audit.table.js';
import { remoteConsents, remoteSteps, ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { clickTicket, openTicketViaSlack, ticketButtons, ticketFormValues } from '../support/tickets.js';
import { counts, lastEphemeral, long, select, submit, text } from './tickets.support.js';

describe(`ticket rules end to end (${storeName})`, () => {
  const h = useHarness();
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
    // 'By the SLA' (the helper's default choice): the customer's expected time is the resolution due time.
    expect(t.expectedAt).toEqual(t.resolutionDueAt);
  });

  it('opens one ticket when Slack delivers the same submission twice', async () => {
    const before = await counts(h);
    const values = ticketFormValues({ title: 'twice', newCustomer: 'Twice Co' });
    const args = { user: users.alice, callbackId: 'ticket.create', values, privateMetadata: JSON.stringify({ channel: SUPPORT }), viewId: 'VSAMEVIEW1' };
    await Promise.all([h.requester.viewSubmission(args), h.requester.viewSubmission(args)]);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args.blocks ?? null).includes('twice')));
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
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.args.blocks ?? null).includes('Till frozen')));
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.requestKey, 'view:VSHORTCUT1'));
    expect([row!.originChannel, row!.originMessageTs, row!.slackChannel]).toEqual(['C0GENERAL', '1700000000.000200', SUPPORT]);
    expect(meta.originTs).toBe('1700000000.000200');
    // The ticket's own message (a knowledge-base hint may follow it in the thread).
    const posted = h.slack.posted().find((c) => c.args.channel === SUPPORT && !c.args.thread_ts && JSON.stringify(c.args.blocks ?? null).includes('Till frozen'));
    expect(JSON.stringify(posted!.args.blocks)).toContain('archives/C0GENERAL/p1700000000000200');
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
