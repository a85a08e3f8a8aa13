// Alerts on the store (PGlite, and Postgres with TEST_DATABASE_URL): a firing alert opens one ticket,
// repeats are noted at most once per repeat_note, a recovery is a thread reply, a firing after the
// engineer resolved the ticket opens a new one linking the old, a retried payload changes nothing,
// and concurrent identical deliveries (on Postgres: from two connection pools) open one ticket.
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAlertPayload, receiveAlerts, type AlertDeps, type AlertEndpoint } from '../../src/modules/alerts/index.js';
import { resolveTicket, takeTicket } from '../../src/modules/tickets/index.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { customers } from '../../src/modules/customers/customers.table.js';
import { openStore } from '../../src/platform/db.js';
import { storeName, usingPostgres } from '../support/db.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { alertsYaml, amPayload, count, deliveriesOf, episodesOfFingerprint, fixture, manyAlerts, NOC, outboxReplies, textOf, written } from './support.js';

const NOW = '2026-11-25T02:00:00Z';
const at = (iso: string) => new Date(iso);
/** How slackDate writes an instant: <!date^seconds^…. */
const slackAt = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

describe(`alerts service (${storeName})`, () => {
  const h = useHarness({ yaml: alertsYaml, now: NOW, eachTestAt: NOW });
  beforeEach(() => h.slack.reset());
  const deps = () => h.opsdesk.services.alerts;
  const receive = (endpoint: AlertEndpoint, body: unknown, d: AlertDeps = deps()) => receiveAlerts(d, parseAlertPayload(endpoint, body));
  const ticketOf = async (key: string) => (await h.store.db.select().from(tickets).where(eq(tickets.key, key)))[0]!;

  it('opens a ticket for a firing alert: origin alert, category monitoring, routed, described, posted', async () => {
    const out = await receive('grafana', fixture('grafana.json'));
    expect(out).toMatchObject({ received: 1, repeated: 0, resolved: 0, duplicates: 0 });
    expect(out.opened).toHaveLength(1);
    const t = await ticketOf(out.opened[0]!);
    expect(t).toMatchObject({ origin: 'alert', category: 'monitoring', priority: 'P3', title: 'POS disk above 90%', product: '积分产品', state: 'new', createdBy: 'opsdesk', slackChannel: SUPPORT });
    expect(t.description).toContain('Values: B=93.2, C=1');
    expect(t.description).toContain('Panel: https://grafana.example.internal/d/pos-hosts?orgId=1&viewPanel=4');
    const [episode] = await episodesOfFingerprint(h, 'grafana:3f7a1c9e0b2d4e58');
    expect(episode).toMatchObject({ ticketId: t.id, status: 'firing', endedAt: null, firings: 1 });
    await h.deliver();
    const posted = h.slack.posted().filter((c) => c.args.channel === SUPPORT && !c.args.thread_ts);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('Opened by monitoring');
    expect(textOf(posted[0]!)).toContain('Monitoring');
  });

  it('routes by labels: the customer and site from labels, the route’s priority, channel and customer', async () => {
    const out = await receive('alertmanager', amPayload([{ labels: { alertname: 'TillOffline', job: 'pos-7', instance: 'till-7', site: '7号门店' }, startsAt: '2026-11-25T01:58:00Z' }]));
    const t = await ticketOf(out.opened[0]!);
    expect(t).toMatchObject({ priority: 'P2', slackChannel: NOC, site: '7号门店' });
    const withLabel = await receive('alertmanager', amPayload([{ labels: { alertname: 'TillOffline', job: 'pos-8', customer: 'Other Mart' }, startsAt: '2026-11-25T01:58:00Z' }]));
    const other = await ticketOf(withLabel.opened[0]!);
    const nameOf = async (id: number) => (await h.store.db.select().from(customers).where(eq(customers.id, id)))[0]!.name;
    expect(await nameOf(t.customerId)).toBe('上海示例连锁超市'); // the route's customer
    expect(await nameOf(other.customerId)).toBe('Other Mart'); // the label wins over the route's
    const noCustomer = await ticketOf((await receive('generic', { title: 'Lonely', status: 'firing' })).opened[0]!);
    expect(await nameOf(noCustomer.customerId)).toBe('Monitoring'); // alerts.customer
  });

  it('changes nothing twice when the same payload arrives again (a retry, a resent group)', async () => {
    const body = fixture('alertmanager-v4.json');
    const first = await receive('alertmanager', body);
    expect(first.opened).toHaveLength(2);
    const before = await written(h);
    const again = await receive('alertmanager', body);
    expect(again).toMatchObject({ opened: [], duplicates: 2, repeated: 0 });
    expect(await written(h)).toEqual(before);
    // The same alert twice in one payload counts once.
    const twice = amPayload([{ labels: { alertname: 'Dup', instance: 'x' }, startsAt: '2026-11-25T01:00:00Z', fingerprint: 'dup0000000000001' }]);
    (twice.alerts as unknown[]).push((twice.alerts as unknown[])[0]);
    expect(await receive('alertmanager', twice)).toMatchObject({ duplicates: 1 });
    expect((await receive('alertmanager', twice)).opened).toHaveLength(0);
  });

  it('notes a repeat firing in the thread at once, then at most once per repeat_note with the count since', async () => {
    const fp = 'rep0000000000001';
    const alert = (startsAt: string) => amPayload([{ labels: { alertname: 'Flapping', instance: 'sw-1' }, startsAt, fingerprint: fp }]);
    const out = await receive('alertmanager', alert('2026-11-25T01:59:00Z'));
    const t = await ticketOf(out.opened[0]!);
    h.clock.set('2026-11-25T02:05:00Z');
    expect(await receive('alertmanager', alert('2026-11-25T02:04:00Z'))).toMatchObject({ repeated: 1, opened: [] });
    let notes = await outboxReplies(h, t.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.payload.text).toContain(`*Flapping on sw-1* fired again — 1 time(s) since ${slackAt(NOW)}`); // the ticket's opening
    // Within the hour: counted, not noted.
    for (const [now, start] of [['2026-11-25T02:20:00Z', '2026-11-25T02:19:00Z'], ['2026-11-25T03:04:00Z', '2026-11-25T03:03:00Z']]) {
      h.clock.set(now!);
      expect(await receive('alertmanager', alert(start!))).toMatchObject({ repeated: 1 });
    }
    expect(await outboxReplies(h, t.id)).toHaveLength(1);
    expect((await episodesOfFingerprint(h, `am:${fp}`))[0]).toMatchObject({ unreportedFirings: 2, firings: 4 });
    // An hour after the last note: one note counting every firing since it.
    h.clock.set('2026-11-25T03:05:00Z');
    await receive('alertmanager', alert('2026-11-25T03:05:00Z'));
    notes = await outboxReplies(h, t.id);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.payload.text).toContain(`fired again — 3 time(s) since ${slackAt('2026-11-25T02:05:00Z')}`); // the last note
    expect((await episodesOfFingerprint(h, `am:${fp}`))).toHaveLength(1);
  });

  it('replies "monitoring reports resolved" on resolved, once, and leaves the ticket to the engineer', async () => {
    const fp = 'res0000000000001';
    const labels = { alertname: 'BackupFailed', instance: 'nas-1' };
    const out = await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T01:30:00Z', fingerprint: fp }]));
    const t = await ticketOf(out.opened[0]!);
    h.clock.set('2026-11-25T02:30:00Z');
    const resolved = amPayload([{ labels, startsAt: '2026-11-25T01:30:00Z', endsAt: '2026-11-25T02:29:00Z', fingerprint: fp }], 'resolved');
    expect(await receive('alertmanager', resolved)).toMatchObject({ resolved: 1 });
    expect(await receive('alertmanager', resolved)).toMatchObject({ resolved: 0, duplicates: 1 });
    const notes = await outboxReplies(h, t.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.payload.text).toContain(`Monitoring reports resolved at ${slackAt('2026-11-25T02:29:00Z')}`); // endsAt
    expect((await ticketOf(t.key)).state).toBe('new');
    expect((await episodesOfFingerprint(h, `am:${fp}`))[0]).toMatchObject({ status: 'resolved', monitoringResolvedAt: at('2026-11-25T02:29:00Z') });
    await h.deliver();
    const thread = h.slack.posted().filter((c) => c.args.thread_ts && textOf(c).includes('Monitoring reports resolved'));
    expect(thread).toHaveLength(1);
    // A resolved alert nobody opened a ticket for: recorded, nothing else.
    expect(await receive('alertmanager', amPayload([{ labels: { alertname: 'Never' }, startsAt: '2026-11-25T01:00:00Z', fingerprint: 'nev0000000000001' }], 'resolved'))).toMatchObject({ ignored: 1 });
  });

  it('opens a new ticket linking the old when the alert fires again after the engineer resolved it', async () => {
    const fp = 'ref0000000000001';
    const labels = { alertname: 'DiskFull', instance: 'db-1' };
    const first = await ticketOf((await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T01:00:00Z', fingerprint: fp }]))).opened[0]!);
    await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T01:00:00Z', endsAt: '2026-11-25T01:50:00Z', fingerprint: fp }], 'resolved'));
    await takeTicket(h.opsdesk.services.tickets, first.id, users.alice.id);
    await resolveTicket(h.opsdesk.services.tickets, first.id, users.alice.id, { cause: 'logs', fix: 'rotated', faultCategory: 'software' });
    // The same firing resent after the engineer resolved it: still nothing new.
    expect((await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T01:00:00Z', fingerprint: fp }]))).opened).toHaveLength(0);

    h.clock.set('2026-11-25T04:00:00Z');
    const out = await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T03:59:00Z', fingerprint: fp }]));
    expect(out.opened).toHaveLength(1);
    const second = await ticketOf(out.opened[0]!);
    expect(second.id).not.toBe(first.id);
    expect(second.description!.split('\n')[0]).toBe(`Fired again after ${first.key} was resolved.`);
    const episodes = await episodesOfFingerprint(h, `am:${fp}`);
    expect(episodes).toHaveLength(2);
    expect(episodes[0]).toMatchObject({ ticketId: first.id, endedAt: at('2026-11-25T04:00:00Z') });
    expect(episodes[1]).toMatchObject({ ticketId: second.id, previousTicketId: first.id, endedAt: null });
    const oldThread = await outboxReplies(h, first.id);
    expect(oldThread.at(-1)!.payload.text).toContain(`fired again after this ticket was resolved: ${second.key} opened`);
    // A repeat now belongs to the new ticket.
    h.clock.set('2026-11-25T04:10:00Z');
    expect(await receive('alertmanager', amPayload([{ labels, startsAt: '2026-11-25T04:09:00Z', fingerprint: fp }]))).toMatchObject({ repeated: 1, opened: [] });
    expect((await outboxReplies(h, second.id)).filter((r) => r.payload.text?.startsWith(':repeat:'))).toHaveLength(1);
  });

  it('takes generic alerts without startsAt: a repeated status changes nothing, a new firing is a repeat', async () => {
    const body = (status: 'firing' | 'resolved') => ({ title: 'UPS on battery', status, severity: 'critical', customer: 'HQ', site: '机房', labels: { device: 'ups-1' } });
    const out = await receive('generic', body('firing'));
    const t = await ticketOf(out.opened[0]!);
    expect(t).toMatchObject({ origin: 'alert', site: '机房', priority: 'P3' });
    expect(await receive('generic', body('firing'))).toMatchObject({ duplicates: 1 });
    h.clock.set('2026-11-25T02:10:00Z');
    expect(await receive('generic', body('resolved'))).toMatchObject({ resolved: 1 });
    expect(await receive('generic', body('resolved'))).toMatchObject({ duplicates: 1 });
    h.clock.set('2026-11-25T02:20:00Z');
    expect(await receive('generic', body('firing'))).toMatchObject({ repeated: 1 });
    expect(await receive('generic', body('firing'))).toMatchObject({ duplicates: 1 });
    const replies = await outboxReplies(h, t.id);
    expect(replies.map((r) => r.payload.text!.split(' ')[0])).toEqual([':white_check_mark:', ':repeat:']);
  });

  it('opens one ticket when identical deliveries arrive at once (two Alertmanager replicas)', async () => {
    const other = usingPostgres ? await openStore({ databaseUrl: h.store.url!, poolSize: 4 }) : undefined;
    try {
      const a = deps();
      const b: AlertDeps = other ? { ...a, db: other.db, tickets: { ...a.tickets, db: other.db } } : a;
      const body = amPayload(manyAlerts(5, '2026-11-25T01:00:00Z', { job: 'ha' }));
      const before = await count(h, 'tickets');
      const results = await Promise.all([receive('alertmanager', body, a), receive('alertmanager', body, b), receive('alertmanager', body, a), receive('alertmanager', body, b)]);
      expect(results.map((r) => r.opened.length).reduce((x, y) => x + y)).toBe(5);
      expect(results.map((r) => r.duplicates).reduce((x, y) => x + y)).toBe(15);
      expect((await count(h, 'tickets')) - before).toBe(5);
      for (let i = 0; i < 5; i++) {
        const fp = `am:f${String(i).padStart(15, '0')}`;
        expect(await episodesOfFingerprint(h, fp)).toHaveLength(1);
        expect(await deliveriesOf(h, fp)).toHaveLength(1);
      }
    } finally {
      await other?.close();
    }
  });

  it('takes a payload in one transaction: a failure on one alert keeps nothing of the payload', async () => {
    const before = await written(h);
    let opened = 0;
    const failing: AlertDeps = {
      ...deps(),
      tickets: {
        ...deps().tickets,
        onCreated: [
          ...deps().tickets.onCreated,
          async () => {
            if (++opened === 3) throw new Error('the store went away');
          },
        ],
      },
    };
    await expect(receive('alertmanager', amPayload(manyAlerts(5, '2026-11-25T01:30:00Z', { job: 'tx' }, 't')), failing)).rejects.toThrow('the store went away');
    expect(await written(h)).toEqual(before);
    // Sent again once the store is back: all five, once.
    expect((await receive('alertmanager', amPayload(manyAlerts(5, '2026-11-25T01:30:00Z', { job: 'tx' }, 't')))).opened).toHaveLength(5);
  });

  it('refuses a second open episode for a fingerprint in the database itself', async () => {
    const fp = 'uq00000000000001';
    await receive('alertmanager', amPayload([{ labels: { alertname: 'U' }, startsAt: '2026-11-25T01:00:00Z', fingerprint: fp }]));
    const [e] = await episodesOfFingerprint(h, `am:${fp}`);
    const { alertEpisodes } = await import('../../src/modules/alerts/alerts.table.js');
    const now = at(NOW);
    await expect(
      h.store.db.insert(alertEpisodes).values({ fingerprint: e!.fingerprint, source: 'alertmanager', alertName: 'U', labels: {}, status: 'firing', startsAt: now, createdAt: now, updatedAt: now }),
    ).rejects.toThrow();
  });
});
