// The ticket flow's promises, part two, driven exactly as Slack drives the app.
import { beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/platform/audit.table.js';
import { remoteSteps, ticketEvents } from '../../src/modules/tickets/tickets.table.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack, ticketButtons } from '../support/tickets.js';
import { counts, eventKinds, lastEphemeral, long, noTime, resolvedTicket, select, submit, text, ticketRow } from './tickets.support.js';

// Reopen, the phone rule, the forms' limits and repeated deliveries, on their own store so the
// other file's queue stays short.
describe(`ticket rules end to end: reopen, phone, limits, repeats (${storeName})`, () => {
  const h = useHarness();
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
