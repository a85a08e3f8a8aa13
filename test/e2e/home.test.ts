import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeName } from '../support/db.js';
import { startHarness, SUPPORT, users, type Harness } from '../support/harness.js';
import { clickTicket, openTicketViaSlack } from '../support/tickets.js';

describe(`Home tab and the user's language (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

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

  it('opens the ticket form from the New ticket button', async () => {
    const before = h.slack.callsTo('views.open').length;
    await h.requester.blockAction({ user: users.alice, actionId: 'home.new_ticket', value: 'new', view: { id: 'VHOME', type: 'home' } });
    await h.opsdesk.idle();
    expect(h.slack.callsTo('views.open')).toHaveLength(before + 1);
    expect(h.slack.callsTo('views.open').at(-1)!.args.view.callback_id).toBe('ticket.create');
  });
});

describe(`commands not built yet (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('answers /change and /kb privately instead of timing out', async () => {
    for (const command of ['/change', '/kb']) {
      const res = await h.requester.command(command, 'anything', users.alice, { channelId: SUPPORT });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ response_type: 'ephemeral', text: `${command} is not available in this version of opsdesk yet.` });
    }
  });
});

describe(`the listener router (${storeName})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

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
