// The daily work report tells the truth about open tickets nobody holds (SPEC §3.8): an
// "unassigned" section with each ticket's SLA state, and never "nobody holds an open ticket" while
// open tickets exist.
import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/jobs/runner.js';
import { cancelTicket, openTicket } from '../../src/modules/tickets/index.js';
import { storeName } from '../support/db.js';
import { baseConfigYaml, REVIEW, useHarness, users, type Harness } from '../support/harness.js';
import { settle } from '../patrols/support.js';
import { reviewCalendarYaml } from './fixture.js';

const textOf = (c: { args: Record<string, any> }) => `${c.args.text ?? ''} ${JSON.stringify(c.args.blocks ?? [])}`;

async function reportAt(h: Harness, at: string): Promise<string> {
  h.clock.set(at);
  const result = await runJob(h.opsdesk.services, 'daily-report', new Date(at), 'manual');
  await settle(h);
  if (result.outcome !== 'ok') throw new Error(JSON.stringify(result));
  const date = new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10);
  const parent = h.slack.posted().find((c) => c.args.channel === REVIEW && !c.args.thread_ts && textOf(c).includes(`Daily work report · ${date}`));
  if (!parent) throw new Error(`no report of ${date}`);
  return textOf(parent);
}

describe(`daily report: unassigned open tickets (${storeName})`, () => {
  const h = useHarness({ yaml: `${baseConfigYaml}${reviewCalendarYaml}`, now: '2026-11-24T08:00:00Z' });
  const open = (title: string, priority: string) => openTicket(h.opsdesk.services.tickets, { newCustomerName: 'Store 7', category: 'network', priority, title }, users.alice.id);
  const opened: { id: number; key: string }[] = [];

  it('lists yesterday\'s unassigned breached ticket on a day nobody handled anything, instead of saying nothing is open', async () => {
    h.clock.set('2026-11-24T08:00:00Z'); // Tuesday 16:00: opened, nobody takes it
    opened.push(await open('Core switch down', 'P1'), await open('Label printer offline', 'P4'));
    const gone = await open('Opened by mistake', 'P3');
    await cancelTicket(h.opsdesk.services.tickets, gone.id, users.sam.id, 'duplicate');

    const report = await reportAt(h, '2026-11-25T10:00:00Z'); // Wednesday 18:00
    expect(report).not.toContain('nobody holds an open ticket');
    expect(report).toContain('Nothing was handled today, and 2 open ticket(s) wait for an engineer (below).');
    expect(report).toContain('Unassigned open tickets (2)');
    expect(report).toMatch(new RegExp(`:rotating_light: ${opened[0]!.key} P1 Core switch down · SLA breached`));
    expect(report).toMatch(new RegExp(`${opened[1]!.key} P4 Label printer offline · SLA breached`));
    expect(report).not.toContain(gone.key);
    expect(report.indexOf(opened[0]!.key)).toBeLessThan(report.indexOf(opened[1]!.key)); // most urgent first
  });

  it('says nothing is open only when nothing is', async () => {
    h.clock.set('2026-11-26T01:00:00Z');
    for (const t of opened) await cancelTicket(h.opsdesk.services.tickets, t.id, users.sam.id, 'customer fixed it');
    const report = await reportAt(h, '2026-11-26T10:00:00Z'); // Thursday 18:00
    expect(report).toContain('Nothing was handled today and nobody holds an open ticket.');
    expect(report).not.toContain('Unassigned open tickets');
  });

  it('gives each unassigned ticket its SLA state next to the engineers\' work of the day', async () => {
    h.clock.set('2026-11-27T07:00:00Z'); // Friday 15:00
    const atRisk = await open('Till slow', 'P4'); // response due 19:00; at 18:00 three quarters of it are used
    h.clock.set('2026-11-27T09:00:00Z'); // 17:00
    const ok = await open('New mailbox', 'P3'); // response due 19:00; half used at 18:00
    const breached = await open('Payments down', 'P2'); // response due 17:30
    const report = await reportAt(h, '2026-11-27T10:00:00Z');
    expect(report).toContain('1 engineers · 3 tickets opened');
    expect(report).toContain('Unassigned open tickets (3)');
    expect(report).toContain(`:rotating_light: ${breached.key} P2 Payments down · SLA breached`);
    expect(report).toContain(`:white_check_mark: ${ok.key} P3 New mailbox · SLA ok`);
    expect(report).toContain(`:warning: ${atRisk.key} P4 Till slow · SLA at risk`);
  });
});
