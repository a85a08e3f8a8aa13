import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { changes } from '../../src/modules/changes/changes.table.js';
import { storeName } from '../support/db.js';
import { SUPPORT, useHarness, users } from '../support/harness.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';

describe(`Home tab and the user's language (${storeName})`, () => {
  const h = useHarness();

  const openHome = async (user: { id: string }) => {
    await h.requester.event({ type: 'app_home_opened', user: user.id, channel: 'D0HOME', tab: 'home', event_ts: '1.000001' });
    await h.opsdesk.idle();
    return h.slack.callsTo('views.publish').filter((c) => c.args.user_id === user.id).at(-1)!.args.view;
  };

  it('shows the user their own open tickets', async () => {
    const t = await openTicketViaSlack(h, users.alice, { title: 'home ticket' });
    await clickTicket(h, users.bob, 'ticket.take', t.id);
    const home = await openHome(users.bob);
    expect(home.type).toBe('home');
    expect(JSON.stringify(home.blocks)).toContain(t.key);
    expect(JSON.stringify((await openHome(users.alice)).blocks)).not.toContain(t.key);
  });

  it('switches a user to Chinese for their forms and private answers, and keeps channel messages in the team language', async () => {
    await h.requester.blockAction({ user: users.bob, actionId: 'home.locale', selectedOption: { value: 'zh-CN' }, view: { id: 'VHOME', type: 'home' } });
    await h.opsdesk.idle();
    const home = h.slack.callsTo('views.publish').at(-1)!.args.view;
    expect(JSON.stringify(home.blocks)).toContain('新建工单');
    await h.requester.command('/ticket', '', users.bob, { channelId: SUPPORT });
    await h.opsdesk.idle();
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.title.text).toBe('新建工单');
    await h.requester.command('/ticket', 'OPS-2026-999', users.bob, { channelId: SUPPORT });
    await h.opsdesk.idle();
    expect(h.sink.received.at(-1).text).toBe('没有工单 OPS-2026-999。');
    const t = await openTicketViaSlack(h, users.bob, { title: 'team language' });
    const post = h.slack.posted().find((c) => JSON.stringify(c.args.blocks ?? []).includes(t.key))!;
    expect(JSON.stringify(post.args.blocks)).toContain('Take');
    // alice kept the workspace default
    await h.requester.command('/ticket', '', users.alice, { channelId: SUPPORT });
    await h.opsdesk.idle();
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.title.text).toBe('New ticket');
  });

  it('shows a supervisor the changes waiting for their approval with Approve and Reject, and the requester their own change', async () => {
    const now = h.clock.now().getTime();
    const [row] = await h.store.db
      .insert(changes)
      .values({
        key: 'CHG-2026-77', title: 'Replace the core <switch>', systems: ['core-switch'], systemKeys: ['core-switch'], description: 'd', reason: 'r', risk: 'low', impact: 'i', plan: 'p', rollbackPlan: 'rb',
        windowStart: new Date(now + 86_400_000), windowEnd: new Date(now + 90_000_000), requester: users.alice.id, implementer: users.bob.id, state: 'submitted', createdAt: new Date(now), updatedAt: new Date(now),
      })
      .returning();
    const blocks = (await openHome(users.sam)).blocks as { type: string; text?: { text: string }; elements?: { action_id: string; value: string }[] }[];
    const text = JSON.stringify(blocks);
    expect(text).toContain('Changes waiting for your approval');
    expect(text).toContain('CHG-2026-77');
    expect(text).toContain('Replace the core &lt;switch&gt;');
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(buttons.find((e) => e.action_id === 'change.approve')?.value).toBe(JSON.stringify({ id: row!.id, v: 1 }));
    expect(buttons.find((e) => e.action_id === 'change.reject')?.value).toBe(JSON.stringify({ id: row!.id, v: 1 }));
    // The change calendar of the next 7 days lists it for everyone; not a pending approval for others.
    const alice = JSON.stringify((await openHome(users.alice)).blocks);
    expect(alice).toContain('My changes');
    expect(alice).toContain('CHG-2026-77');
    expect(alice).not.toContain('Changes waiting for your approval');
    expect(alice).not.toContain('change.approve');
    // Approve right there on Home.
    const res = await h.requester.blockAction({ user: users.sam, actionId: 'change.approve', value: JSON.stringify({ id: row!.id, v: 1 }), view: { id: 'VHOME', type: 'home' }, triggerId: 'trig-home-approve' });
    expect(res.status).toBe(200);
    await h.opsdesk.idle();
    const [after] = await h.store.db.select().from(changes).where(eq(changes.id, row!.id));
    expect(after!.state).toBe('approved');
    expect(JSON.stringify((await openHome(users.sam)).blocks)).not.toContain('change.approve');
  });

  it('opens the ticket form from the New ticket button', async () => {
    const before = h.slack.callsTo('views.open').length;
    await h.requester.blockAction({ user: users.alice, actionId: 'home.new_ticket', value: 'new', view: { id: 'VHOME', type: 'home' } });
    await h.opsdesk.idle();
    expect(h.slack.callsTo('views.open')).toHaveLength(before + 1);
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('ticket.create');
  });
});

describe(`the listener router (${storeName})`, () => {
  const h = useHarness();

  it('acknowledges a button nobody listens to instead of letting Slack time out', async () => {
    const res = await h.requester.blockAction({ user: users.alice, actionId: 'no.such.button', value: 'x', channelId: SUPPORT });
    expect(res.status).toBe(200);
  });

  it('refuses a second listener for the same id at start', async () => {
    const { SlackRouter } = await import('../../src/slack/router.js');
    const { App } = await import('@slack/bolt');
    const router = new SlackRouter(new App({ signingSecret: 'x'.repeat(16), authorize: async () => ({}) }), () => {});
    router.routes.action('same.id', async () => {});
    expect(() => router.routes.action('same.id', async () => {})).toThrow(/second action listener/);
  });
});
