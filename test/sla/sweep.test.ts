// The SLA sweep end to end: warnings and breaches once ever, pauses, extensions, the P1 path.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { slaAlerts, slaExtensions } from '../../src/modules/tickets/tickets.sla.table.js';
import { ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { openStore } from '../../src/platform/db.js';
import { storeName, usingPostgres } from '../support/db.js';
import { baseConfigYaml, ESCALATION, SUPPORT, useHarness, users } from '../support/harness.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';

const yaml = `${baseConfigYaml}
calendars:
  business: { days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", holidays: ["2026-12-25"] }
sla:
  customers:
    "上海示例连锁超市":
      P3: { response: 1h, resolution: 8h, calendar: business }
`;
const at = (local: string) => new Date(`${local}+08:00`);
/** True when a message names this ticket (OPS-2026-1 must not match OPS-2026-12). */
const names = (text: unknown, key: string) => new RegExp(`${key}(?!\\d)`).test(String(text));

describe(`SLA sweep (${storeName})`, () => {
  const h = useHarness({ yaml, now: at('2026-11-25T09:00:00').toISOString() });
  beforeEach(() => {
    h.slack.reset();
  });

  const sweepAt = async (time: Date) => {
    const result = await runJob(h.opsdesk.services, 'sla-sweep', time, 'manual');
    await h.deliver();
    return result;
  };
  const rowOf = async (id: number) => (await h.store.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
  const dms = () => h.slack.posted().filter((c) => String(c.args.channel).startsWith('D'));

  it('warns at 75 %, breaches at 100 %, each once, and re-runs for old slots post nothing new', async () => {
    h.clock.set(at('2026-11-25T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'POS slow', priority: 'P3' }); // 24×7: response 2h
    h.slack.reset();
    expect(await sweepAt(at('2026-11-25T10:29:00'))).toMatchObject({ counts: { checked: 0, warnings: 0, breaches: 0 } });
    expect(h.slack.posted()).toHaveLength(0);

    expect(await sweepAt(at('2026-11-25T10:30:00'))).toMatchObject({ counts: { warnings: 1, breaches: 0 } });
    const row = await rowOf(t.id);
    const thread = h.slack.posted().filter((c) => c.args.thread_ts === row.slackTs);
    expect(thread.map((c) => c.args.text)).toEqual([expect.stringContaining('75%')]);
    expect(dms().map((c) => c.args.text)).toEqual([expect.stringContaining(t.key)]); // unassigned: the supervisor
    expect(h.slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual([users.sam.id]);

    h.slack.reset();
    expect(await sweepAt(at('2026-11-25T11:00:00'))).toMatchObject({ counts: { warnings: 0, breaches: 1 } });
    const escalation = h.slack.posted().filter((c) => c.args.channel === ESCALATION);
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.args.text).toContain(`<@${users.sam.id}>`);
    expect(escalation[0]!.args.text).toContain('breached its response target by 0m');
    const buttons = escalation[0]!.args.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id);
    expect(buttons).toEqual(['ticket.take', 'ticket.assign']);
    expect(JSON.stringify(h.slack.callsTo('chat.update').at(-1)!.args.blocks)).toContain('breached');

    h.slack.reset();
    await sweepAt(at('2026-11-25T11:00:00'));
    await sweepAt(at('2026-11-25T10:30:00'));
    await sweepAt(at('2026-11-25T11:05:00'));
    expect(h.slack.posted()).toHaveLength(0);
    const alerts = await h.store.db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, t.id));
    expect(alerts.map((a) => `${a.target}:${a.stage}`).sort()).toEqual(['response:breach', 'response:warning']);

    // The breach post's Take button works although it carries no version.
    await h.requester.blockAction({ user: users.bob, actionId: 'ticket.take', value: escalation[0]!.args.blocks.find((b: any) => b.type === 'actions').elements[0].value, channelId: ESCALATION });
    await h.opsdesk.idle();
    expect((await rowOf(t.id)).assignee).toBe(users.bob.id);
  });

  it('never breaches a ticket resolved after its warning', async () => {
    h.clock.set(at('2026-12-02T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'resolved in time', priority: 'P2' }); // 30m / 8h
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    await h.deliver();
    h.clock.set(at('2026-12-02T15:00:00'));
    expect(await sweepAt(at('2026-12-02T15:00:00'))).toMatchObject({ outcome: 'ok' }); // 6h of 8h: warning
    const warned = await h.store.db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, t.id));
    expect(warned.map((a) => `${a.target}:${a.stage}`)).toEqual(['resolution:warning']);
    const [cur] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    await h.requester.viewSubmission({ user: users.bob, callbackId: 'ticket.resolve', values: { cause: { value: { type: 'plain_text_input', value: 'x' } }, fix: { value: { type: 'plain_text_input', value: 'y' } }, fault_category: { value: { type: 'static_select', selected_option: { value: 'pos' } } } }, privateMetadata: JSON.stringify({ id: t.id, v: cur!.version, channel: SUPPORT }) });
    await h.deliver();
    expect((await rowOf(t.id)).state).toBe('resolved');
    h.slack.reset();
    await sweepAt(at('2026-12-03T09:00:00'));
    expect(h.slack.posted().filter((c) => names(c.args.text, t.key) || c.args.thread_ts === cur!.slackTs)).toHaveLength(0);
    const alerts = await h.store.db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, t.id));
    expect(alerts.map((a) => `${a.target}:${a.stage}`)).toEqual(['resolution:warning']);
  });

  it('posts each stage once when two sweeps run at the same moment (two connections on Postgres)', async () => {
    h.clock.set(at('2026-12-09T09:00:00'));
    const opened = [];
    for (let i = 0; i < 6; i++) opened.push(await openTicketViaSlack(h, users.alice, { title: `race ${i}`, priority: 'P4' }));
    h.slack.reset();
    const second = usingPostgres ? await openStore({ databaseUrl: h.store.url, poolSize: 3 }) : undefined;
    try {
      const other = { ...h.opsdesk.services, sla: { ...h.opsdesk.services.sla, tickets: { ...h.opsdesk.services.tickets, db: second?.db ?? h.store.db } } };
      const slot = at('2026-12-09T13:00:00'); // P4: response 4h → breach
      const results = await Promise.all([runJob(h.opsdesk.services, 'sla-sweep', slot, 'manual'), runJob(other, 'sla-sweep', slot, 'manual'), runJob(h.opsdesk.services, 'sla-sweep', slot, 'manual')]);
      const breaches = results.reduce((n, r) => n + (r.outcome === 'ok' ? r.counts.breaches! : 0), 0);
      expect(breaches).toBe(6);
    } finally {
      await second?.close();
    }
    await h.deliver();
    const posts = h.slack.posted().filter((c) => c.args.channel === ESCALATION).map((c) => c.args.text);
    for (const t of opened) expect(posts.filter((p) => names(p, t.key))).toHaveLength(1);
  });

  it('stops the clock while waiting on the customer and moves the due time on resume', async () => {
    h.clock.set(at('2026-12-16T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'waiting', priority: 'P3', newCustomer: '上海示例连锁超市' });
    const opened = await rowOf(t.id);
    expect(opened.slaCalendar).toBe('business');
    expect(opened.resolutionDueAt.toISOString()).toBe(at('2026-12-16T17:00:00').toISOString());
    expect(JSON.stringify(h.slack.posted().at(-1)!.args.blocks)).toContain('(business hours: business)');
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    h.clock.set(at('2026-12-16T11:00:00'));
    await clickTicket(h, users.bob, 'ticket.wait', t.id);
    await h.deliver();
    expect((await rowOf(t.id)).nextCheckAt).toBeNull();
    h.slack.reset();
    await sweepAt(at('2026-12-18T12:00:00'));
    const waiting = await rowOf(t.id);
    expect(h.slack.posted().filter((c) => names(c.args.text, t.key) || c.args.thread_ts === waiting.slackTs)).toHaveLength(0);
    h.clock.set(at('2026-12-17T10:00:00')); // paused Wed 11:00 → Thu 10:00 = 8 working hours
    await clickTicket(h, users.bob, 'ticket.resume', t.id);
    const resumed = await rowOf(t.id);
    expect(resumed.pausedMinutes).toBe(480);
    expect(resumed.resolutionDueAt.toISOString()).toBe(at('2026-12-17T16:00:00').toISOString());
  });

  it('extends with a plan, a committed time and consent; the breach stays on record', async () => {
    h.clock.set(at('2026-12-23T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'needs a part', priority: 'P2' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    await sweepAt(at('2026-12-23T17:30:00')); // 8h resolution breached
    h.clock.set(at('2026-12-23T18:00:00'));
    await clickTicket(h, users.bob, 'ticket.extend', t.id);
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('ticket.extend');
    const values = (committed: Date | null, plan = 'Replace the switch; the part arrives tomorrow') => ({
      plan: { value: { type: 'plain_text_input', value: plan } },
      committed_at: { value: { type: 'datetimepicker', selected_date_time: committed ? committed.getTime() / 1000 : null } },
      consented_by: { value: { type: 'plain_text_input', value: '王经理' } },
      consent_method: { value: { type: 'static_select', selected_option: { value: 'phone' } } },
      consented_at: { value: { type: 'datetimepicker', selected_date_time: null } },
    });
    const before = await rowOf(t.id);
    const meta = JSON.stringify({ id: t.id, v: before.version, channel: SUPPORT });
    const bad = await h.requester.viewSubmission({ user: users.bob, callbackId: 'ticket.extend', values: values(at('2026-12-23T17:00:00'), ''), privateMetadata: meta });
    expect(bad.json.response_action).toBe('errors');
    expect(Object.keys(bad.json.errors).sort()).toEqual(['committed_at', 'plan']);
    expect(await h.store.db.select().from(slaExtensions).where(eq(slaExtensions.ticketId, t.id))).toHaveLength(0);

    await h.requester.viewSubmission({ user: users.bob, callbackId: 'ticket.extend', values: values(at('2026-12-24T12:00:00')), privateMetadata: meta });
    await h.opsdesk.idle();
    const after = await rowOf(t.id);
    expect(after.resolutionDueAt.toISOString()).toBe(at('2026-12-24T12:00:00').toISOString());
    const [ext] = await h.store.db.select().from(slaExtensions).where(eq(slaExtensions.ticketId, t.id));
    expect(ext).toMatchObject({ consentedBy: '王经理', consentMethod: 'phone', breachedBefore: true });
    const events = await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(events.map((e) => e.kind)).toContain('extend');
    const alerts = await h.store.db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, t.id));
    expect(alerts.some((a) => a.target === 'resolution' && a.stage === 'breach')).toBe(true);
    h.slack.reset();
    await sweepAt(at('2026-12-25T00:00:00'));
    expect(h.slack.posted().filter((c) => c.args.channel === ESCALATION && names(c.args.text, t.key))).toHaveLength(0);
    // The timeline explains the deadline.
    await h.requester.command('/ticket', t.key, users.bob, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const details = JSON.stringify(h.sink.received.at(-1).blocks);
    expect(details).toContain('Extended');
    expect(details).toContain('王经理');
  });

  // The tests below run in 2027: each first sweeps once at its start, so the stages of the tickets
  // the tests above left open are posted before it looks at its own.
  const settle = async (time: Date) => {
    h.clock.set(time);
    await sweepAt(time);
    h.slack.reset();
  };
  /** Messages about this ticket: naming it, or in its thread. */
  const about = async (id: number, key: string) => {
    const { slackTs } = await rowOf(id);
    return h.slack.posted().filter((c) => names(c.args.text, key) || (slackTs && c.args.thread_ts === slackTs));
  };
  const dmsTo = (user: { id: string }, key: string) => h.slack.posted().filter((c) => c.args.channel === h.slack.dmChannelFor(user.id) && names(c.args.text, key));
  const stagesOf = async (id: number) => (await h.store.db.select().from(slaAlerts).where(eq(slaAlerts.ticketId, id))).map((a) => `${a.target}:${a.stage}`).sort();
  const resolveViaSlack = async (id: number) => {
    const row = await rowOf(id);
    await h.requester.viewSubmission({ user: users.bob, callbackId: 'ticket.resolve', values: { cause: { value: { type: 'plain_text_input', value: 'cable' } }, fix: { value: { type: 'plain_text_input', value: 'replaced' } }, fault_category: { value: { type: 'static_select', selected_option: { value: 'pos' } } } }, privateMetadata: JSON.stringify({ id, v: row.version, channel: SUPPORT }) });
    await h.deliver();
  };
  const extendViaSlack = async (id: number, committed: Date) => {
    await clickTicket(h, users.bob, 'ticket.extend', id);
    const row = await rowOf(id);
    const values = {
      plan: { value: { type: 'plain_text_input', value: 'Swap the NVR disk once the customer sends the serial number' } },
      committed_at: { value: { type: 'datetimepicker', selected_date_time: committed.getTime() / 1000 } },
      consented_by: { value: { type: 'plain_text_input', value: '李娜' } },
      consent_method: { value: { type: 'static_select', selected_option: { value: 'phone' } } },
      consented_at: { value: { type: 'datetimepicker', selected_date_time: null } },
    };
    const res = await h.requester.viewSubmission({ user: users.bob, callbackId: 'ticket.extend', values, privateMetadata: JSON.stringify({ id, v: row.version, channel: SUPPORT }) });
    expect(res.json?.response_action).toBeUndefined();
    await h.deliver();
  };

  it('sends the warning DM to the assignee, not the supervisors, and names the assignee in the breach post', async () => {
    await settle(at('2027-01-04T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'till freezes', priority: 'P2' }); // 24×7: 30m / 8h
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    await h.deliver();
    h.slack.reset();
    await sweepAt(at('2027-01-04T15:00:00')); // 6 h of 8 h
    expect(await stagesOf(t.id)).toEqual(['resolution:warning']);
    const warnedBob = dmsTo(users.bob, t.key);
    expect(warnedBob).toHaveLength(1);
    expect(warnedBob[0]!.args.text).toContain('75% of its resolution time');
    expect(dmsTo(users.sam, t.key)).toHaveLength(0);
    const { slackTs } = await rowOf(t.id);
    expect(h.slack.posted().filter((c) => c.args.thread_ts === slackTs).map((c) => c.args.text)).toEqual([expect.stringContaining('75%')]);

    h.slack.reset();
    await sweepAt(at('2027-01-04T17:00:00'));
    const escalation = h.slack.posted().filter((c) => c.args.channel === ESCALATION && names(c.args.text, t.key));
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.args.text).toContain(`Assignee: <@${users.bob.id}>`);
    expect(escalation[0]!.args.text).toContain(`<@${users.sam.id}>`);
    expect(escalation[0]!.args.text).toContain('breached its resolution target by 0m');
    expect([...dmsTo(users.bob, t.key), ...dmsTo(users.sam, t.key)]).toHaveLength(0); // a breach is escalated, not DMed
  });

  it('restarts the resolution clock on reopen with the budget left, and the sweep warns on the new clock', async () => {
    await settle(at('2027-01-13T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'scale offline', priority: 'P3' }); // 24×7: 2h / 24h
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    h.clock.set(at('2027-01-13T15:00:00')); // 6 h used: 18 h left
    await resolveViaSlack(t.id);
    expect(await rowOf(t.id)).toMatchObject({ state: 'resolved', nextCheckAt: null });
    h.slack.reset();
    await sweepAt(at('2027-01-14T10:00:00')); // past the old warning and due times: a resolved clock is stopped
    expect(await about(t.id, t.key)).toHaveLength(0);

    h.clock.set(at('2027-01-16T10:00:00'));
    await clickTicket(h, users.bob, 'ticket.reopen', t.id);
    await h.deliver();
    const reopened = await rowOf(t.id);
    expect(reopened.state).toBe('in_progress');
    expect(reopened.resolvedAt).toBeNull();
    expect(reopened.resolutionStartedAt!.toISOString()).toBe(at('2027-01-16T10:00:00').toISOString());
    expect(reopened.resolutionDueAt.toISOString()).toBe(at('2027-01-17T04:00:00').toISOString()); // 18 h after reopening
    // The warning comes when 75 % of the 24 h target is used: 18 h − 6 h = 12 h after reopening.
    expect(reopened.resolutionWarnAt!.toISOString()).toBe(at('2027-01-16T22:00:00').toISOString());
    expect(reopened.nextCheckAt!.toISOString()).toBe(at('2027-01-16T22:00:00').toISOString());

    h.slack.reset();
    await sweepAt(at('2027-01-16T21:59:00'));
    expect(await about(t.id, t.key)).toHaveLength(0);
    await sweepAt(at('2027-01-16T22:00:00'));
    expect(await stagesOf(t.id)).toEqual(['resolution:warning']);
    expect(dmsTo(users.bob, t.key)).toHaveLength(1);
    expect((await about(t.id, t.key)).filter((c) => c.args.thread_ts === reopened.slackTs).map((c) => c.args.text)).toEqual([expect.stringContaining('75%')]);
    expect((await rowOf(t.id)).nextCheckAt!.toISOString()).toBe(at('2027-01-17T04:00:00').toISOString());
    h.slack.reset();
    await sweepAt(at('2027-01-17T04:00:00'));
    expect(h.slack.posted().filter((c) => c.args.channel === ESCALATION && names(c.args.text, t.key))).toHaveLength(1);
    expect(await stagesOf(t.id)).toEqual(['resolution:breach', 'resolution:warning']);
  });

  it('extends a ticket while waiting on the customer; on resume only the waiting after the extension moves the committed time', async () => {
    await settle(at('2027-01-06T09:00:00'));
    // 上海示例连锁超市 P3: 8 h on business hours 09:00–18:00 → due Wed 17:00.
    const t = await openTicketViaSlack(h, users.alice, { title: 'NVR disk alarm', priority: 'P3', newCustomer: '上海示例连锁超市' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    h.clock.set(at('2027-01-06T11:00:00'));
    await clickTicket(h, users.bob, 'ticket.wait', t.id);
    await h.deliver();

    h.clock.set(at('2027-01-07T08:00:00')); // still waiting the next morning: the customer agrees to Fri 12:00
    await extendViaSlack(t.id, at('2027-01-08T12:00:00'));
    const extended = await rowOf(t.id);
    expect(extended.state).toBe('waiting_customer');
    expect(extended.resolutionDueAt.toISOString()).toBe(at('2027-01-08T12:00:00').toISOString());
    expect(extended.pausedAt!.toISOString()).toBe(at('2027-01-07T08:00:00').toISOString());
    expect(extended.pausedMinutes).toBe(420); // Wed 11:00–18:00
    expect(extended.nextCheckAt).toBeNull();
    const [ext] = await h.store.db.select().from(slaExtensions).where(eq(slaExtensions.ticketId, t.id));
    // What was replaced is the due time as it stood (Wed 17:00 moved by 7 waiting hours), not a breach.
    expect(ext!.previousDueAt.toISOString()).toBe(at('2027-01-07T15:00:00').toISOString());
    expect(ext!.breachedBefore).toBe(false);

    h.clock.set(at('2027-01-07T10:00:00'));
    await clickTicket(h, users.bob, 'ticket.resume', t.id);
    await h.deliver();
    const resumed = await rowOf(t.id);
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.pausedMinutes).toBe(480);
    // Thu 09:00–10:00 waited after the extension: Fri 12:00 → 13:00 (the old rule gave Mon 11:00).
    expect(resumed.resolutionDueAt.toISOString()).toBe(at('2027-01-08T13:00:00').toISOString());
    // 75 % of Thu 08:00 → Fri 12:00 (12 working hours) is Thu 18:00, moved by that hour: Fri 10:00.
    expect(resumed.nextCheckAt!.toISOString()).toBe(at('2027-01-08T10:00:00').toISOString());

    h.slack.reset();
    await sweepAt(at('2027-01-08T09:59:00'));
    expect(await about(t.id, t.key)).toHaveLength(0);
    await sweepAt(at('2027-01-08T10:00:00'));
    expect(dmsTo(users.bob, t.key)).toHaveLength(1);
    h.slack.reset();
    await sweepAt(at('2027-01-08T12:30:00')); // past the committed time, not past the moved one
    expect(await about(t.id, t.key)).toHaveLength(0);
    await sweepAt(at('2027-01-08T13:00:00'));
    expect(h.slack.posted().filter((c) => c.args.channel === ESCALATION && names(c.args.text, t.key))).toHaveLength(1);
    expect(await stagesOf(t.id)).toEqual(['resolution:breach', 'resolution:warning']);
    // The explanation says which waiting moved what.
    await h.requester.command('/ticket', t.key, users.bob, { channelId: SUPPORT });
    await h.opsdesk.idle();
    const details = JSON.stringify(h.sink.received.at(-1).blocks);
    expect(details).toContain('Paused 480 min of working time in all');
    expect(details).toContain('waiting before an extension is in its committed time');
  });

  it('sends a new P1 straight to the escalation channel and the supervisors', async () => {
    h.clock.set(at('2026-12-30T09:00:00'));
    const t = await openTicketViaSlack(h, users.alice, { title: 'All tills down', priority: 'P1' });
    await h.deliver();
    const escalation = h.slack.posted().filter((c) => c.args.channel === ESCALATION && names(c.args.text, t.key) && String(c.args.text).includes('urgent path'));
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.args.text).toContain(`<@${users.sam.id}>`);
    expect(dms().some((c) => String(c.args.text).includes('New P1'))).toBe(true);
  });
});
