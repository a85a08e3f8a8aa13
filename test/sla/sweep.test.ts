// The SLA sweep end to end: warnings and breaches once ever, pauses, extensions, the P1 path.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { slaAlerts, slaExtensions } from '../../src/modules/sla/sla.table.js';
import { ticketEvents, tickets } from '../../src/modules/tickets/tickets.table.js';
import { openStore } from '../../src/platform/db.js';
import { storeName, usingPostgres } from '../support/db.js';
import { baseConfigYaml, ESCALATION, startHarness, SUPPORT, users, type Harness } from '../support/harness.js';
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
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ yaml, now: at('2026-11-25T09:00:00').toISOString() });
  });
  afterAll(async () => h?.close());
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
