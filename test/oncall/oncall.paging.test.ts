// The urgent path: a new P1 pages the engineer on call in the primary rotation; no answer within
// page_timeout → the next in line → the supervisors → exhausted. Take goes through the tickets service.
import { beforeEach, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { oncallPages } from '../../src/modules/oncall/oncall.table.js';
import { tickets } from '../../src/modules/tickets/tickets.table.js';
import { outbox } from '../../src/outbox/outbox.table.js';
import { storeName } from '../support/db.js';
import { ESCALATION, users } from '../support/harness.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';
import type { SlackUser } from '../support/slack-client.js';
import { auditRows, carl, click, dmsTo, expectValidBlocks, lastEphemeral, postsIn, runAt, settle, sh, textOf, useOncallHarness } from './support.js';

describe(`P1 paging (${storeName})`, () => {
  const h = useOncallHarness(sh('2026-11-25T10:00:00')); // alice on call, bob next
  beforeEach(() => {
    h.slack.reset();
    h.sink.received.length = 0;
  });

  const openP1 = async (local: string, title: string) => {
    h.clock.set(sh(local));
    const t = await openTicketViaSlack(h, users.dora, { title, priority: 'P1' });
    await settle(h);
    return t;
  };
  const pages = (user: SlackUser, key: string) => dmsTo(h, user).filter((c) => textOf(c).includes(key) && textOf(c).includes('oncall.page.take'));
  const pageOf = async (ticketId: number) => (await h.store.db.select().from(oncallPages).where(eq(oncallPages.ticketId, ticketId)))[0]!;
  /** Outbox rows a page's steps queued (their dedupe keys start with the page's). */
  const pageMessages = (pageId: number) => h.store.db.select({ id: outbox.id }).from(outbox).where(like(outbox.dedupeKey, `oncall:page:${pageId}:%`));

  it('pages the on-call engineer, moves down the line after 5 minutes, then to the supervisors', async () => {
    const t = await openP1('2026-11-25T10:00:00', 'Core switch down at HQ');
    expect(pages(users.alice, t.key)).toHaveLength(1);
    expect(pages(users.bob, t.key)).toHaveLength(0);
    expectValidBlocks(pages(users.alice, t.key));
    expect(textOf(pages(users.alice, t.key)[0]!)).toContain('You are on call (primary)');
    // P2 and below page nobody.
    const p2 = await openTicketViaSlack(h, users.dora, { title: 'Slow Wi-Fi', priority: 'P2' });
    expect(await h.store.db.select().from(oncallPages).where(eq(oncallPages.ticketId, p2.id))).toHaveLength(0);

    await runAt(h, 'oncall-watch', '2026-11-25T10:04:59');
    expect(pages(users.bob, t.key)).toHaveLength(0);
    await runAt(h, 'oncall-watch', '2026-11-25T10:05:00');
    await runAt(h, 'oncall-watch', '2026-11-25T10:05:00');
    expect(pages(users.bob, t.key)).toHaveLength(1);
    expect((await pageOf(t.id)).step).toBe(1);

    await runAt(h, 'oncall-watch', '2026-11-25T10:10:00');
    expect(pages(users.sam, t.key)).toHaveLength(1);
    expect(textOf(pages(users.sam, t.key)[0]!)).toContain('Nobody on call (primary) took it');
    const escalated = postsIn(h, ESCALATION).filter((c) => textOf(c).includes('was not taken by the on-call line'));
    expect(escalated).toHaveLength(1);
    expect(textOf(escalated[0]!)).toContain(`(<@${users.alice.id}>, <@${users.bob.id}>). <@${users.sam.id}>`);

    // The supervisor takes it: the ticket is theirs through the tickets service, and the page stops.
    await click(h, users.sam, pages(users.sam, t.key)[0]!, 'oncall.page.take');
    expect(lastEphemeral(h)).toBe(`You have ${t.key}. It is acknowledged in its thread.`);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ assignee: users.sam.id, state: 'acknowledged' });
    expect(await pageOf(t.id)).toMatchObject({ status: 'taken', takenBy: users.sam.id });
    await runAt(h, 'oncall-watch', '2026-11-25T10:20:00');
    expect(await pageOf(t.id)).toMatchObject({ status: 'taken' });
  });

  it('pages the next in line at once when the engineer declines', async () => {
    const t = await openP1('2026-11-25T11:00:00', 'Firewall alarm');
    await click(h, users.alice, pages(users.alice, t.key)[0]!, 'oncall.page.decline');
    expect(lastEphemeral(h)).toBe('Declined. The next in line is paged now.');
    expect(pages(users.bob, t.key)).toHaveLength(1);
    // Declining twice is not possible; the earlier person can still take the ticket.
    await click(h, users.alice, pages(users.alice, t.key)[0]!, 'oncall.page.decline');
    expect(lastEphemeral(h)).toMatch(/moved on to the next in line/);
    await click(h, users.bob, pages(users.bob, t.key)[0]!, 'oncall.page.take');
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.assignee).toBe(users.bob.id);
    expect((await pageOf(t.id)).trail.map((e) => `${e.user}:${e.outcome}`)).toEqual([`${users.alice.id}:paged`, `${users.alice.id}:declined`, `${users.bob.id}:paged`, `${users.bob.id}:taken`]);
  });

  it('stops paging once the ticket is taken from its channel message', async () => {
    const t = await openP1('2026-11-25T12:00:00', 'Backup job failed');
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    await runAt(h, 'oncall-watch', '2026-11-25T12:05:00');
    expect(pages(users.bob, t.key)).toHaveLength(0);
    expect(await pageOf(t.id)).toMatchObject({ status: 'answered', takenBy: users.bob.id });
    // Take from the page afterwards says who has it.
    h.sink.received.length = 0;
    await click(h, users.alice, pages(users.alice, t.key)[0]!, 'oncall.page.take');
    expect(lastEphemeral(h)).toBe(`${t.key} is already taken by <@${users.bob.id}>.`);
  });

  it('refuses Take and Decline from someone the page was not sent to, and audits it', async () => {
    const t = await openP1('2026-11-25T13:00:00', 'Storage latency');
    const page = pages(users.alice, t.key)[0]!;
    await click(h, carl, page, 'oncall.page.take');
    expect(lastEphemeral(h)).toBe('This page was not sent to you.');
    await click(h, carl, page, 'oncall.page.decline');
    expect(lastEphemeral(h)).toBe('This page was not sent to you.');
    expect((await auditRows(h, 'oncall.page.take', 'refused')).map((r) => r.actor)).toEqual([carl.id]);
    expect((await auditRows(h, 'oncall.page.decline', 'refused')).map((r) => r.actor)).toEqual([carl.id]);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row!.assignee).toBeNull();
    expect((await pageOf(t.id)).step).toBe(0);
  });

  it('ends the page as exhausted when the supervisors do not answer in time either, and posts nothing more', async () => {
    const t = await openP1('2026-11-25T14:00:00', 'Core router in a reboot loop');
    await runAt(h, 'oncall-watch', '2026-11-25T14:05:00'); // bob
    await runAt(h, 'oncall-watch', '2026-11-25T14:10:00'); // the supervisors, and the escalation channel
    const samPage = pages(users.sam, t.key)[0]!;
    expect(samPage).toBeDefined();
    // The supervisor's decline is recorded, but there is nobody further to page.
    await click(h, users.sam, samPage, 'oncall.page.decline');
    expect(lastEphemeral(h)).toBe('Declined. Nobody further is paged: the page ends at its timeout unless another supervisor takes it.');
    expect(await pageOf(t.id)).toMatchObject({ status: 'paging', step: 2 });
    await runAt(h, 'oncall-watch', '2026-11-25T14:14:59');
    expect((await pageOf(t.id)).status).toBe('paging');

    const outboxBefore = (await pageMessages((await pageOf(t.id)).id)).length;
    const slackBefore = h.slack.posted().length;
    await runAt(h, 'oncall-watch', '2026-11-25T14:15:00');
    const page = await pageOf(t.id);
    expect(page).toMatchObject({ status: 'exhausted', step: 2, takenBy: null, updatedAt: new Date(sh('2026-11-25T14:15:00')) });
    expect(page.trail.map((e) => `${e.user}:${e.outcome}`)).toEqual([
      `${users.alice.id}:paged`, `${users.alice.id}:timeout`, `${users.bob.id}:paged`, `${users.bob.id}:timeout`, `${users.sam.id}:paged`, `${users.sam.id}:declined`, `${users.sam.id}:timeout`,
    ]);
    // Later runs of the watch leave it alone: no DM, no escalation post, no outbox row for this page.
    await runAt(h, 'oncall-watch', '2026-11-25T14:20:00');
    await runAt(h, 'oncall-watch', '2026-11-25T15:00:00');
    expect(await pageOf(t.id)).toEqual(page);
    expect((await pageMessages(page.id)).length).toBe(outboxBefore);
    expect(h.slack.posted().slice(slackBefore).filter((c) => textOf(c).includes(t.key))).toEqual([]);
    expect(postsIn(h, ESCALATION).filter((c) => textOf(c).includes(t.key) && textOf(c).includes('was not taken'))).toHaveLength(1);
    // The ticket is still nobody's, and whoever was paged can still take it from their DM.
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ state: 'new', assignee: null });
    await click(h, users.bob, pages(users.bob, t.key)[0]!, 'oncall.page.take');
    const [taken] = await h.store.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(taken!.assignee).toBe(users.bob.id);
  });

  it('follows an override: the covering engineer is paged', async () => {
    // Sam sets carl to cover alice's shift of 26 Nov 21:00 (k=51).
    h.clock.set(sh('2026-11-26T20:00:00'));
    const values = {
      rotation: { 'oncall.swap.rotation': { type: 'static_select', selected_option: { value: 'primary' } } },
      shift: { value: { type: 'static_select', selected_option: { value: String(new Date(sh('2026-11-26T21:00:00')).getTime()) } } },
      cover: { value: { type: 'users_select', selected_user: carl.id } },
    };
    await h.requester.viewSubmission({ user: users.sam, callbackId: 'oncall.swap', values });
    await settle(h);
    const t = await openP1('2026-11-26T22:00:00', 'Night outage');
    expect(pages(carl, t.key)).toHaveLength(1);
    expect(pages(users.alice, t.key)).toHaveLength(0);
    expect((await pageOf(t.id)).line).toEqual([carl.id, users.bob.id]);
  });
});
