// A rotation's own timings drive the jobs: reminder_before (shift reminder), ack_reminder_after and
// ack_escalate_after (unacknowledged handover), page_timeout (P1 page down the line) — not the defaults.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { oncallHandovers, oncallPages } from '../../src/modules/oncall/oncall.table.js';
import { storeName } from '../support/db.js';
import { ESCALATION, ONCALL, teamConfigYaml, useHarness, users } from '../support/harness.js';
import type { SlackUser } from '../support/slack-client.js';
import { openTicketViaSlack } from '../support/tickets.js';
import { carl, dmsTo, postsIn, repliesIn, runAt, settle, sh, textOf } from './support.js';

/** The test rotation of support.ts (alice, bob, carl; 09:00 and 21:00) with every timing changed. */
const yaml = `${teamConfigYaml([carl.id])}
oncall:
  rotations:
    - name: primary
      members: [${users.alice.id}, ${users.bob.id}, ${carl.id}]
      handover: ["09:00", "21:00"]
      start: "2026-11-01"
      reminder_before: 2h
      ack_reminder_after: 5m
      ack_escalate_after: 10m
      page_timeout: 2m
`;

describe(`configured on-call timings (${storeName})`, () => {
  const h = useHarness({ yaml, now: sh('2026-11-25T18:00:00') }); // alice until 21:00, then bob, then carl
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  it('sends the shift reminder reminder_before (2h) ahead of the shift', async () => {
    await runAt(h, 'oncall-watch', '2026-11-25T18:59:00');
    expect(dmsTo(h, users.bob)).toHaveLength(0);
    expect(dmsTo(h, users.alice)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T19:00:00');
    expect(dmsTo(h, users.bob)).toHaveLength(1);
    expect(textOf(dmsTo(h, users.bob)[0]!)).toContain('Your on-call shift in *primary* starts');
    expect(dmsTo(h, users.alice)).toHaveLength(1);
    // Still once when the hour the default would use comes round.
    await runAt(h, 'oncall-watch', '2026-11-25T20:00:00');
    expect(dmsTo(h, users.bob)).toHaveLength(1);
  });

  it('reminds after ack_reminder_after (5m) and escalates after ack_escalate_after (10m)', async () => {
    await runAt(h, 'oncall-handover', '2026-11-25T21:00:00');
    const [thread] = postsIn(h, ONCALL);
    expect(textOf(thread!)).toContain('Not acknowledged after 5 min → a reminder; after 10 min → the supervisors are told.');
    const reminders = () => dmsTo(h, users.bob).filter((c) => textOf(c).includes('Please acknowledge'));
    const escalations = () => postsIn(h, ESCALATION).filter((c) => textOf(c).includes('*primary*'));
    await runAt(h, 'oncall-watch', '2026-11-25T21:04:59');
    expect(reminders()).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T21:05:00');
    expect(reminders()).toHaveLength(1);
    await runAt(h, 'oncall-watch', '2026-11-25T21:09:59');
    expect(escalations()).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T21:10:00');
    await runAt(h, 'oncall-watch', '2026-11-25T21:15:00');
    await runAt(h, 'oncall-watch', '2026-11-25T21:30:00');
    expect(escalations()).toHaveLength(1);
    expect(textOf(escalations()[0]!)).toContain(`not acknowledged by <@${users.bob.id}> after 10 min. <@${users.sam.id}>`);
    expect(repliesIn(h, ONCALL).filter((c) => textOf(c).includes('not acknowledged'))).toHaveLength(1);
    expect(reminders()).toHaveLength(1);
    const [row] = await h.store.db.select().from(oncallHandovers).where(eq(oncallHandovers.handoverAt, new Date(sh('2026-11-25T21:00:00'))));
    expect(row).toMatchObject({ remindedAt: new Date(sh('2026-11-25T21:05:00')), escalatedAt: new Date(sh('2026-11-25T21:10:00')) });
  });

  it('moves a P1 page down the line after page_timeout (2m)', async () => {
    h.clock.set(sh('2026-11-25T22:00:00'));
    const t = await openTicketViaSlack(h, users.dora, { title: 'Core switch down at HQ', priority: 'P1' });
    await settle(h);
    const pages = (user: SlackUser) => dmsTo(h, user).filter((c) => textOf(c).includes(t.key) && textOf(c).includes('oncall.page.take'));
    const pageRow = async () => (await h.store.db.select().from(oncallPages).where(eq(oncallPages.ticketId, t.id)))[0]!;
    expect(pages(users.bob)).toHaveLength(1);
    expect(textOf(pages(users.bob)[0]!)).toContain('the page moves on after 2 min');
    await runAt(h, 'oncall-watch', '2026-11-25T22:01:59');
    expect(pages(carl)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T22:02:00');
    expect(pages(carl)).toHaveLength(1);
    expect((await pageRow()).step).toBe(1);
    await runAt(h, 'oncall-watch', '2026-11-25T22:03:59');
    expect(pages(users.sam)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T22:04:00');
    expect(pages(users.sam)).toHaveLength(1);
    expect(textOf(pages(users.sam)[0]!)).toContain('the page ends after 2 min');
    await runAt(h, 'oncall-watch', '2026-11-25T22:06:00');
    expect(await pageRow()).toMatchObject({ status: 'exhausted', step: 2, updatedAt: new Date(sh('2026-11-25T22:06:00')) });
  });
});
