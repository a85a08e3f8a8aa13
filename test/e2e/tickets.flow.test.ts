import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tickets, ticketEvents } from '../../src/modules/tickets/tickets.table.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { storeName } from '../support/db.js';
import { openTicketViaSlack, ticketButtons, clickTicket } from '../support/tickets.js';

describe(`tickets end to end (${storeName})`, () => {
  const h = useHarness();

  it('opens the form from /ticket with the title pre-filled', async () => {
    const res = await h.requester.command('/ticket', 'Printer offline at store 12', users.alice, { channelId: SUPPORT });
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.slack.callsTo('views.open').at(-1)!.args.view;
    expect(view.callback_id).toBe('ticket.create');
    const title = view.blocks.find((b: any) => b.block_id === 'title');
    expect(title.element.initial_value).toBe('Printer offline at store 12');
  });

  it('creates a ticket, posts it with a masked phone and takes it', async () => {
    const ticket = await openTicketViaSlack(h, users.alice, { title: 'POS down', phone: '13812345678', newCustomer: '上海示例连锁超市' });
    expect(ticket.key).toMatch(/^OPS-2026-\d+$/);
    const post = h.slack.posted().find((c) => c.args.channel === SUPPORT && JSON.stringify(c.args.blocks).includes(ticket.key))!;
    expect(JSON.stringify(post.args.blocks)).toContain('138****5678');
    expect(JSON.stringify(post.args.blocks)).not.toContain('13812345678');
    expect(ticketButtons(post.args.blocks)).toContain('ticket.take');

    await clickTicket(h, users.bob, 'ticket.take', ticket.id);
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.update'));
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(row!.state).toBe('acknowledged');
    expect(row!.assignee).toBe(users.bob.id);
    const events = await h.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.map((e) => e.kind)).toEqual(['created', 'take']);
  });
});

describe(`tickets when Slack fails (${storeName})`, () => {
  const h = useHarness();

  it('delivers exactly one message when Slack answers 429 and then 200', async () => {
    h.slack.reset();
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 20 });
    const t = await openTicketViaSlack(h, users.alice, { title: 'rate limited' }, { wait: false });
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.status === 429));
    await h.opsdesk.worker.drain();
    expect(h.slack.posted()).toHaveLength(0);
    h.clock.advance(20_000);
    h.opsdesk.worker.kick();
    await h.slack.waitFor((c) => c.some((x) => x.method === 'chat.postMessage' && x.response?.ok));
    await h.opsdesk.worker.drain();
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(h.slack.posted()).toHaveLength(1);
    expect(JSON.stringify(h.slack.posted()[0]!.args.blocks)).toContain(t.key);
  });

  it('keeps tickets opened while Slack is down and delivers their messages when it answers again', async () => {
    h.slack.reset();
    h.slack.setDown(true);
    const first = await openTicketViaSlack(h, users.alice, { title: 'during outage 1' }, { wait: false });
    const second = await openTicketViaSlack(h, users.bob, { title: 'during outage 2' }, { wait: false });
    await clickTicket(h, users.bob, 'ticket.take', second.id);
    await h.opsdesk.worker.drain();
    expect(h.slack.posted()).toHaveLength(0);
    const rows = await h.store.db.select().from(tickets).where(eq(tickets.id, second.id));
    expect(rows[0]!.state).toBe('acknowledged'); // the change happened; only its messages wait

    for (let minute = 0; minute < 30; minute++) {
      h.clock.advance(60_000);
      await h.opsdesk.worker.drain();
    }
    h.slack.setDown(false);
    h.clock.advance(10 * 60_000);
    await h.opsdesk.worker.drain();
    await h.opsdesk.worker.drain();
    const texts = h.slack.posted().map((c) => String(c.args.text));
    expect(texts.filter((x) => x.includes(first.key))).toHaveLength(1);
    expect(texts.filter((x) => x.includes(second.key))).toHaveLength(1);
    expect(texts.filter((x) => x.includes('took the ticket'))).toHaveLength(1);
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    const [row] = await h.store.db.select().from(tickets).where(eq(tickets.id, first.id));
    expect(row!.slackTs).toBeTruthy();
  });
});
