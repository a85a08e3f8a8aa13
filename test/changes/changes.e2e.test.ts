// Change requests end to end, driven exactly as Slack drives the app (signed HTTP requests) against
// the fake Slack Web API: the whole life of a change, conflicts, bad input, refused approvals.
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { openTicketViaSlack } from '../support/tickets.js';
import { CHANGES, changeByKey, changeRow, changesYaml, clickChange, ctext, eventKinds, refusals, snapshot, submitChangeAction, submitChangeForm, sue, type ChangeForm } from './support.js';

const NOW = '2026-11-25T02:00:00Z';
const buttonsOf = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));

describe(`change requests end to end (${storeName})`, () => {
  const h = useHarness({ yaml: changesYaml(), now: NOW, eachTestAt: NOW });
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  /** Submits a good form (with `form` over it) and waits for the change's message; returns the row. */
  async function submitted(user = users.alice, form: ChangeForm = {}) {
    const res = await submitChangeForm(h, user, form);
    expect(res.json?.response_action, res.text).toBe('update');
    const key = /CHG-\d{4}-\d+/.exec(JSON.stringify(res.json.view))![0];
    await h.deliver();
    return changeByKey(h, key);
  }
  const threadReplies = (ts: string | null) => h.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));
  const dmsTo = (user: string) => h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === user || c.args.channel === h.slack.dmChannelFor(user)).map((c) => String(c.args.text));

  it('opens the form from /change, and with the ticket filled in from /change OPS-… and from Request a change on its message', async () => {
    await h.requester.command('/change', '', users.alice, { channelId: CHANGES });
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'switch flaps' });
    await h.requester.command('/change', ticket.key, users.alice, { channelId: SUPPORT });
    // "Request a change" on the ticket's message links the ticket too.
    const message = h.slack.message(SUPPORT, ticket.slackTs!)!;
    await h.requester.messageShortcut({ user: users.bob, callbackId: 'request_change', channelId: SUPPORT, message: { ts: ticket.slackTs!, text: message.text! } });
    await h.opsdesk.idle();
    const opened = h.slack.callsTo('views.open');
    expect(opened.map((c) => c.response.ok)).toEqual([true, true, true]);
    expect(opened.map((c) => c.args.view.callback_id)).toEqual(['change.create', 'change.create', 'change.create']);
    for (const call of opened.slice(1)) expect(call.args.view.blocks.find((b: any) => b.block_id === 'ticket').element.initial_value).toBe(ticket.key);
  });

  it('runs a high-risk change from request to done: two approvals, schedule, start, finish, verification', async () => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'core switch crashes' });
    const c = await submitted(users.alice, { risk: 'high', testEvidence: 'Ran on the lab switch', ticket: ticket.key, systems: 'core-switch-a' });
    expect(c.state).toBe('submitted');
    expect(c.ticketId).toBe(ticket.id);
    const post = h.slack.callsTo('chat.postMessage').find((m) => m.args.channel === CHANGES && JSON.stringify(m.args.blocks).includes(c.key))!;
    expect(buttonsOf(post.args.blocks)).toEqual(['change.approve', 'change.reject', 'change.cancel']);
    expect(dmsTo(users.bob.id).some((t) => t.includes(c.key))).toBe(true);

    await clickChange(h, users.sam, 'change.approve', c.id);
    expect((await changeRow(h, c.id)).state).toBe('submitted');
    await clickChange(h, users.sam, 'change.approve', c.id); // the same approver again counts once
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('counts once')));
    await clickChange(h, sue, 'change.approve', c.id);
    expect((await changeRow(h, c.id)).state).toBe('approved');
    await h.deliver();
    expect(dmsTo(users.alice.id).some((t) => t.includes(`${c.key}`) && t.includes('approved'))).toBe(true);

    await clickChange(h, users.bob, 'change.schedule', c.id);
    await clickChange(h, users.bob, 'change.start', c.id); // before the window: refused, nothing changes
    await h.sink.waitFor((r) => r.some((x) => String(x.text).includes('does not start before')));
    h.clock.set('2026-11-26T14:00:00Z');
    await clickChange(h, users.bob, 'change.start', c.id);
    await clickChange(h, users.bob, 'change.finish', c.id);
    const empty = await submitChangeAction(h, users.bob, 'change.verify', c.id, { checked: ctext(''), outcome: ctext('all good') });
    expect(empty.json.response_action).toBe('errors');
    expect(Object.keys(empty.json.errors)).toEqual(['checked']);
    expect((await changeRow(h, c.id)).state).toBe('verifying');
    await submitChangeAction(h, users.bob, 'change.verify', c.id, { checked: ctext('Ping all stores, check STP'), outcome: ctext('All 120 stores reachable') });
    await h.deliver();

    const row = await changeRow(h, c.id);
    expect(row.state).toBe('done');
    expect(row.verificationOutcome).toBe('All 120 stores reachable');
    expect(await eventKinds(h, c.id)).toEqual(['submitted', 'approve', 'approve', 'schedule', 'start', 'finish', 'verify']);
    // The one message, updated in place; every step a thread reply with who and when.
    // (Updates not sent yet are superseded by newer ones, so how many reach Slack depends on timing.)
    expect(h.slack.callsTo('chat.update').filter((u) => u.args.ts === row.slackTs).length).toBeGreaterThanOrEqual(1);
    expect(h.slack.callsTo('chat.postMessage').filter((m) => m.args.channel === CHANGES && !m.args.thread_ts && JSON.stringify(m.args.blocks ?? '').includes(c.key))).toHaveLength(1);
    expect(h.slack.message(CHANGES, row.slackTs!)!.text).toContain('Done');
    const replies = threadReplies(row.slackTs);
    expect(replies).toHaveLength(6);
    expect(replies[0]).toMatch(/<@U0SAM> approved \(1\/2\) · <!date\^\d+\^/);
    expect(replies[1]).toContain('<@U0SUE> approved (2/2)');
    expect(replies.at(-1)).toContain('verified');
  });

  it('rolls a change back with what happened and opens a ticket linked to it', async () => {
    const c = await submitted(users.alice, { systems: 'pos-server', start: '2026-11-25T03:00:00Z', end: '2026-11-25T05:00:00Z' });
    await clickChange(h, users.sam, 'change.approve', c.id);
    await clickChange(h, users.bob, 'change.schedule', c.id);
    h.clock.set('2026-11-25T03:05:00Z');
    await clickChange(h, users.bob, 'change.start', c.id);
    await clickChange(h, users.bob, 'change.rollback', c.id);
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('change.rollback');
    const bad = await submitChangeAction(h, users.bob, 'change.rollback', c.id, { happened: ctext('Tills froze'), why: ctext('') });
    expect(Object.keys(bad.json.errors)).toEqual(['why']);
    await submitChangeAction(h, users.bob, 'change.rollback', c.id, { happened: ctext('Tills froze after the update'), why: ctext('Driver incompatible') });
    const rolled = await changeRow(h, c.id);
    expect([rolled.state, rolled.rollbackWhy]).toEqual(['rolled_back', 'Driver incompatible']);
    await h.deliver();
    expect(buttonsOf(h.slack.message(CHANGES, rolled.slackTs!)!.blocks!)).toEqual(['change.follow_up']);

    await clickChange(h, users.alice, 'change.follow_up', c.id);
    await clickChange(h, users.alice, 'change.follow_up', c.id, { version: rolled.version }); // a double click opens one ticket
    const linked = await changeRow(h, c.id);
    expect(linked.followUpTicketId).not.toBeNull();
    const [ticket] = await h.store.db.select().from(tickets).where(eq(tickets.id, linked.followUpTicketId!));
    expect(ticket!.title).toContain(c.key);
    expect(ticket!.description).toContain('Driver incompatible');
    expect(await eventKinds(h, c.id)).toEqual(['submitted', 'approve', 'schedule', 'start', 'rollback', 'follow_up']);
  });

  it('flags overlapping changes on the same system on both messages; touching windows are no conflict', async () => {
    const first = await submitted(users.alice, { systems: 'Firewall, VPN', start: '2026-11-27T14:00:00Z', end: '2026-11-27T16:00:00Z' });
    const touching = await submitted(users.alice, { systems: 'firewall', start: '2026-11-27T16:00:00Z', end: '2026-11-27T17:00:00Z' });
    h.slack.reset();
    const res = await submitChangeForm(h, users.bob, { systems: 'vpn', start: '2026-11-27T15:00:00Z', end: '2026-11-27T18:00:00Z', implementer: users.alice.id });
    const confirmation = JSON.stringify(res.json.view);
    expect(confirmation).toContain(first.key);
    expect(confirmation).not.toContain(touching.key);
    await h.deliver();
    const second = await changeByKey(h, /CHG-\d{4}-\d+/.exec(confirmation)![0]);
    expect(JSON.stringify(h.slack.message(CHANGES, first.slackTs!)!.blocks)).toContain(second.key);
    expect(JSON.stringify(h.slack.message(CHANGES, second.slackTs!)!.blocks)).toContain(first.key);
    expect(threadReplies(first.slackTs).some((t) => t.includes(second.key))).toBe(true);
    expect(JSON.stringify(h.slack.message(CHANGES, touching.slackTs!)!.blocks)).not.toContain(second.key);
  });

  it.each([
    ['no title', { title: '' }, 'title'],
    ['no systems', { systems: ' ' }, 'systems'],
    ['no rollback plan', { rollback: '' }, 'rollback'],
    ['medium risk without test evidence', { risk: 'medium' }, 'test_evidence'],
    ['no risk', { risk: undefined as unknown as string }, 'risk'],
    ['a window ending before it starts', { end: '2026-11-26T13:00:00Z' }, 'window_end'],
    ['a window starting in the past', { start: '2026-11-25T01:00:00Z' }, 'window_start'],
    ['a window in a freeze', { start: '2026-12-31T11:00:00Z', end: '2026-12-31T12:00:00Z' }, 'window_start'],
    ['an emergency without a reason', { emergency: true }, 'emergency_reason'],
    ['no implementer', { implementer: undefined as unknown as string }, 'implementer'],
    ['a ticket id that is not one', { ticket: 'the switch ticket' }, 'ticket'],
    ['a ticket that does not exist', { ticket: 'OPS-2026-9999' }, 'ticket'],
    ['a title over 150 characters', { title: '长'.repeat(151) }, 'title'],
  ])('refuses %s with a field error and posts nothing', async (_name, form, field) => {
    const before = await snapshot(h);
    const res = await submitChangeForm(h, users.alice, form as ChangeForm);
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toEqual([field]);
    await h.deliver();
    expect(await snapshot(h)).toEqual(before);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('names the freeze in the error, and lets an emergency change into it, marked', async () => {
    const res = await submitChangeForm(h, users.alice, { start: '2026-12-31T11:00:00Z', end: '2026-12-31T12:00:00Z' });
    expect(res.json.errors.window_start).toContain('New Year trading');
    const c = await submitted(users.alice, { systems: 'erp', start: '2026-12-31T11:00:00Z', end: '2026-12-31T12:00:00Z', emergency: true, emergencyReason: 'ERP down on the last day' });
    expect([c.emergency, c.freezeReason]).toEqual([true, 'New Year trading']);
    const blocks = JSON.stringify(h.slack.message(CHANGES, c.slackTs!)!.blocks);
    expect(blocks).toContain('Emergency change');
    expect(blocks).toContain('New Year trading');
  });

  it('refuses approvals by an engineer, the requester and the implementer: ephemeral, audited, nothing changed', async () => {
    const c = await submitted(users.sam, { systems: 'storage', implementer: sue.id });
    const before = await snapshot(h);
    for (const [who, says] of [[users.alice, 'Only supervisors'], [users.sam, 'You requested'], [sue, 'You implement']] as const) {
      await clickChange(h, who, 'change.approve', c.id);
      await h.sink.waitFor((r) => r.some((x) => String(x.text).includes(says)));
    }
    await clickChange(h, users.alice, 'change.reject', c.id); // the reason form is not even shown
    await h.deliver();
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    const after = await snapshot(h);
    expect({ ...after, outbox: before.outbox }).toEqual(before);
    expect(await refusals(h, c.id)).toEqual([
      [users.alice.id, 'change.approve'],
      [users.sam.id, 'change.approve'],
      [sue.id, 'change.approve'],
      [users.alice.id, 'change.reject'],
    ]);
    expect(h.sink.requests.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
  });

  it('rejects with a reason only, and tells the requester and the implementer', async () => {
    const c = await submitted(users.alice, { systems: 'mail' });
    const empty = await submitChangeAction(h, users.sam, 'change.reject', c.id, { reason: ctext(' ') });
    expect(Object.keys(empty.json.errors)).toEqual(['reason']);
    await submitChangeAction(h, users.sam, 'change.reject', c.id, { reason: ctext('Not during month-end closing') });
    await h.deliver();
    expect((await changeRow(h, c.id)).state).toBe('rejected');
    expect(dmsTo(users.alice.id).some((t) => t.includes('Not during month-end closing'))).toBe(true);
    expect(dmsTo(users.bob.id).some((t) => t.includes('Not during month-end closing'))).toBe(true);
  });

  it('shows a change and its record with /change CHG-…', async () => {
    const c = await submitted(users.alice, { systems: 'wiki' });
    await h.requester.command('/change', c.key.toLowerCase(), users.bob, { channelId: CHANGES });
    await h.sink.waitFor((r) => r.length > 0);
    expect(JSON.stringify(h.sink.received.at(-1).blocks)).toContain(c.key);
    expect(JSON.stringify(h.sink.received.at(-1).blocks)).toContain('submitted');
  });
});
