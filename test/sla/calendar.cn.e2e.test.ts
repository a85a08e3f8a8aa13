// The `cn` calendar preset end to end: a ticket's business-hours SLA due times across the 2026 National
// Day holiday, and the patrol and daily-report jobs that stay quiet on the holiday and a plain weekend
// but run on the make-up working days (Sunday 20 September, Saturday 10 October).
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runJob } from '../../src/jobs/runner.js';
import { patrolRuns } from '../../src/modules/patrols/patrols.table.js';
import { openTicket } from '../../src/modules/tickets/tickets.service.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml, PATROL, REVIEW, useHarness, users, type Harness } from '../support/harness.js';
import { settle } from '../patrols/support.js';

const sh = (local: string) => new Date(`${local}+08:00`);

const yaml = `${baseConfigYaml}
calendars:
  business:
    preset: cn
    days: [mon, tue, wed, thu, fri]
    hours: "09:00-18:00"
sla:
  customers:
    "Store 12":
      P3: { response: 1h, resolution: 8h, calendar: business }
reports:
  calendar: business
patrols:
  - name: morning
    schedule: "30 8 * * *"
    deadline: "11:00"
    calendar: business
    items: ["核心交换机状态", "备份任务结果"]
  - name: always
    schedule: "30 8 * * *"
    deadline: "11:00"
    items: ["机房温度"]
`;

async function job(h: Harness, name: string, local: string, args: { name?: string } = {}) {
  const at = sh(local);
  h.clock.set(at.toISOString());
  const result = await runJob(h.opsdesk.services, name, at, 'manual', args);
  await settle(h);
  if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
  return result.counts;
}

describe(`the cn calendar preset end to end (${storeName})`, () => {
  const h = useHarness({ yaml, now: '2026-09-30T08:00:00Z' });
  beforeEach(() => {
    h.sink.received.length = 0;
  });

  it('gives a business-hours ticket due times that skip National Day', async () => {
    h.clock.set(sh('2026-09-30T17:30:00').toISOString()); // Wednesday, half an hour before closing
    const t = await openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Store 12', category: 'network', priority: 'P3', title: 'POS offline' }, users.alice.id);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.slaCalendar).toBe('business');
    // 30 min on the 30th, then 1–7 October off: response at 09:30 and resolution at 16:30 on Thursday the 8th.
    expect(row!.responseDueAt.toISOString()).toBe(sh('2026-10-08T09:30:00').toISOString());
    expect(row!.resolutionDueAt.toISOString()).toBe(sh('2026-10-08T16:30:00').toISOString());
  });

  it('gives a ticket on the eve of the make-up Saturday due times on that Saturday', async () => {
    h.clock.set(sh('2026-10-09T17:00:00').toISOString()); // Friday
    const t = await openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Store 12', category: 'network', priority: 'P3', title: 'Printer down' }, users.alice.id);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.responseDueAt.toISOString()).toBe(sh('2026-10-09T18:00:00').toISOString());
    expect(row!.resolutionDueAt.toISOString()).toBe(sh('2026-10-10T16:00:00').toISOString()); // 1 h Friday + 7 h Saturday
  });

  it('posts no patrol on the holiday or a plain Sunday, and one on each make-up day', async () => {
    const runs = async () => (await h.store.db.select().from(patrolRuns).where(eq(patrolRuns.checklist, 'morning'))).map((r) => r.runDate).sort();
    expect(await job(h, 'patrol', '2026-10-01T08:30:00', { name: 'morning' })).toEqual({ posted: 0, already: 0, skipped: 1 }); // National Day
    expect(await job(h, 'patrol', '2026-10-05T08:30:00', { name: 'morning' })).toEqual({ posted: 0, already: 0, skipped: 1 }); // a Monday, still the holiday
    expect(await job(h, 'patrol', '2026-10-11T08:30:00', { name: 'morning' })).toEqual({ posted: 0, already: 0, skipped: 1 }); // a plain Sunday
    expect(await job(h, 'patrol', '2026-10-10T08:30:00', { name: 'morning' })).toEqual({ posted: 1, already: 0, skipped: 0 }); // make-up Saturday
    expect(await job(h, 'patrol', '2026-09-20T08:30:00', { name: 'morning' })).toEqual({ posted: 1, already: 0, skipped: 0 }); // make-up Sunday
    expect(await runs()).toEqual(['2026-09-20', '2026-10-10']);
    // Without --name (the external-scheduler path): the checklist without a calendar runs every day, the other waits.
    expect(await job(h, 'patrol', '2026-10-02T08:30:00')).toEqual({ posted: 1, already: 0, skipped: 1 });
    const posted = h.slack.posted().filter((c) => c.args.channel === PATROL && !c.args.thread_ts);
    expect(posted.map((c) => JSON.stringify(c.args.blocks))).toEqual([
      expect.stringContaining('2026-10-10'),
      expect.stringContaining('2026-09-20'),
      expect.stringContaining('always · 2026-10-02'),
    ]);
  });

  it('posts no daily report on the holiday or a plain Sunday, and one on each make-up day', async () => {
    const reports = () => h.slack.posted().filter((c) => c.args.channel === REVIEW && !c.args.thread_ts);
    expect(await job(h, 'daily-report', '2026-10-02T18:00:00')).toMatchObject({ posted: 0, skipped: 1 });
    expect(await job(h, 'daily-report', '2026-10-07T18:00:00')).toMatchObject({ posted: 0, skipped: 1 });
    expect(await job(h, 'daily-report', '2026-10-11T18:00:00')).toMatchObject({ posted: 0, skipped: 1 });
    expect(reports()).toHaveLength(0);
    expect(await job(h, 'daily-report', '2026-10-10T18:00:00')).toMatchObject({ posted: 1, skipped: 0 });
    expect(await job(h, 'daily-report', '2026-09-20T18:00:00')).toMatchObject({ posted: 1, skipped: 0 });
    expect(await job(h, 'daily-report', '2026-10-08T18:00:00')).toMatchObject({ posted: 1, skipped: 0 }); // the first day back
    expect(reports().map((c) => JSON.stringify(c.args.blocks))).toEqual([
      expect.stringContaining('2026-10-10'),
      expect.stringContaining('2026-09-20'),
      expect.stringContaining('2026-10-08'),
    ]);
  });
});
