// Exactly once when Slack's answer is lost: Slack posts the message, then the connection drops, the
// answer never comes or a 5xx comes instead. The retry looks for the outbox id in the message
// metadata (conversations.history / conversations.replies) and records the ts instead of posting
// again. Against a real store and the fake Slack, time injected.
import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueue, type OutboxMessage } from '../../src/outbox/outbox.js';
import { outbox, outboxPace } from '../../src/outbox/outbox.table.js';
import { OutboxWorker, type PostedHook } from '../../src/outbox/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createMetrics, type Metrics } from '../../src/platform/metrics.js';
import { silentLogger } from '../../src/platform/logger.js';
import { SlackWebClient, webClientOptions } from '../../src/slack/web-client.js';
import { openTestStore, storeName, type TestStore } from '../support/db.js';
import { startFakeSlack, type FakeSlack, type LostAnswer } from '../support/fake-slack.js';

const SUPPORT = 'C0SUPPORT';

// No retries of their own, and a short timeout so that "the answer never comes" costs 300 ms: the
// plain WebClient (form bodies) and the app's client (Block Kit methods as JSON, src/slack/web-client.ts).
const clients: [string, (token: string, url: string) => WebClient][] = [
  ['WebClient', (token, url) => new WebClient(token, { slackApiUrl: url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 300 })],
  ['SlackWebClient', (token, url) => new SlackWebClient(token, webClientOptions({ slackApiUrl: url, retries: 0, rejectRateLimitedCalls: true, timeout: 300 }))],
];

describe.each(clients)(`outbox: a lost answer never doubles a post (${storeName}, %s)`, (_name, makeClient) => {
  let store: TestStore;
  let slack: FakeSlack;
  let clock: ManualClock;
  let metrics: Metrics;
  let posted: { messageKey: string; channel: string; ts: string }[];
  const hook: PostedHook = async (_tx, messageKey, channel, ts) => {
    posted.push({ messageKey, channel, ts });
  };
  const client = () => makeClient(slack.token, slack.url);
  const worker = () => new OutboxWorker({ db: store.db, client: client(), clock, logger: silentLogger, postedHooks: [hook], metrics });
  const queue = (...messages: OutboxMessage[]) => store.db.transaction((tx) => enqueue(tx, clock.now(), messages));
  const rowOf = async (id: number) => (await store.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
  const ours = (channel: string) => slack.inChannel(channel).filter((m) => m.metadata?.event_type === 'opsdesk_outbox');
  const deliveries = async () => Object.fromEntries((await metrics.outboxDeliveries.get()).values.map((v) => [v.labels.outcome, v.value]));
  /** Past any backoff of a first failure (at most 1.2 s). */
  const later = () => clock.advance(5_000);

  beforeAll(async () => {
    store = await openTestStore();
    // Slack's ts follow the test's clock, as they follow Slack's in real life.
    slack = await startFakeSlack({ now: () => clock.now().getTime() });
  });
  afterAll(async () => {
    await store?.dispose();
    await slack?.close();
  });
  beforeEach(async () => {
    await store.db.delete(outbox);
    await store.db.delete(outboxPace);
    slack.reset();
    slack.messages.clear();
    clock = new ManualClock('2026-11-25T02:00:00Z');
    metrics = createMetrics({ defaultMetrics: false });
    posted = [];
  });

  it.each<LostAnswer>(['drop', 'timeout', 503, 500])('a channel post whose answer is lost (%s) is found, recorded with its ts, and not posted again', async (how) => {
    await queue({ kind: 'post', channel: SUPPORT, messageKey: 'ticket:1', payload: { text: 'P1: core switch down' } });
    slack.loseNextAnswer('chat.postMessage', how);
    const w = worker();
    expect(await w.drain()).toBe(0);
    const [id] = (await store.db.select({ id: outbox.id }).from(outbox)).map((r) => r.id);
    const afterLoss = await rowOf(id!);
    expect(afterLoss).toMatchObject({ status: 'pending', attempts: 1, maybeSent: true });
    expect(afterLoss.firstAttemptAt!.toISOString()).toBe('2026-11-25T02:00:00.000Z');
    expect(ours(SUPPORT)).toHaveLength(1); // Slack did post it

    later();
    expect(await w.drain()).toBe(1);
    const [message] = ours(SUPPORT);
    expect(ours(SUPPORT)).toHaveLength(1);
    expect(message!.metadata).toEqual({ event_type: 'opsdesk_outbox', event_payload: { id } });
    expect(await rowOf(id!)).toMatchObject({ status: 'sent', ts: message!.ts, deliveredChannel: SUPPORT });
    expect(posted).toEqual([{ messageKey: 'ticket:1', channel: SUPPORT, ts: message!.ts }]);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const [look] = slack.callsTo('conversations.history');
    expect(look!.args).toMatchObject({ channel: SUPPORT, include_all_metadata: 'true', oldest: '1795571880.000000' }); // first attempt − 2 min
    expect(await deliveries()).toEqual({ retry: 1, ok: 1 });
  });

  it('a thread reply whose answer is lost is found with conversations.replies', async () => {
    await queue({ kind: 'post', channel: SUPPORT, messageKey: 'ticket:2', payload: { text: 'parent' } });
    const w = worker();
    expect(await w.drain()).toBe(1);
    clock.advance(60_000);
    await queue({ kind: 'reply', targetKey: 'ticket:2', payload: { text: 'engineer on the way' } });
    slack.loseNextAnswer('chat.postMessage', 'drop');
    expect(await w.drain()).toBe(0);
    later();
    expect(await w.drain()).toBe(1);
    const parent = ours(SUPPORT).find((m) => !m.thread_ts)!;
    const replies = ours(SUPPORT).filter((m) => m.thread_ts === parent.ts);
    expect(replies.map((m) => m.text)).toEqual(['engineer on the way']);
    const row = (await store.db.select().from(outbox).where(eq(outbox.kind, 'reply')))[0]!;
    expect(row).toMatchObject({ status: 'sent', ts: replies[0]!.ts });
    expect(slack.callsTo('conversations.replies')[0]!.args).toMatchObject({ channel: SUPPORT, ts: parent.ts, include_all_metadata: 'true' });
    expect(slack.callsTo('conversations.history')).toHaveLength(0);
  });

  it('a DM whose answer is lost is found in the DM', async () => {
    await queue({ kind: 'dm', userId: 'U0ALICE', payload: { text: 'SLA warning' } });
    slack.loseNextAnswer('chat.postMessage', 'timeout');
    const w = worker();
    expect(await w.drain()).toBe(0);
    later();
    expect(await w.drain()).toBe(1);
    const dm = slack.dmChannelFor('U0ALICE');
    expect(ours(dm)).toHaveLength(1);
    expect((await store.db.select().from(outbox))[0]).toMatchObject({ status: 'sent', ts: ours(dm)[0]!.ts, deliveredChannel: dm });
    expect(slack.callsTo('conversations.history')[0]!.args).toMatchObject({ channel: dm, include_all_metadata: 'true' });
  });

  it('posts once when the ambiguous failure came before Slack acted (a 503 at the edge)', async () => {
    await queue({ kind: 'post', channel: SUPPORT, payload: { text: 'only once' } });
    slack.failNext('chat.postMessage', { status: 503 });
    const w = worker();
    expect(await w.drain()).toBe(0);
    later();
    expect(await w.drain()).toBe(1);
    expect(ours(SUPPORT).map((m) => m.text)).toEqual(['only once']);
    expect(slack.callsTo('conversations.history')).toHaveLength(1);
  });

  it('finds the message among more than a page of newer messages (cursor paging)', async () => {
    await queue({ kind: 'post', channel: SUPPORT, payload: { text: 'the lost one' } });
    slack.loseNextAnswer('chat.postMessage', 'drop');
    const w = worker();
    await w.drain();
    // 250 messages by people and other apps arrive before the retry: the lookup pages through them.
    const other = new WebClient(slack.token, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    for (let i = 0; i < 250; i++) await other.chat.postMessage({ channel: SUPPORT, text: `chatter ${i}` });
    later();
    expect(await w.drain()).toBe(1);
    expect(ours(SUPPORT)).toHaveLength(1);
    const looks = slack.callsTo('conversations.history');
    expect(looks).toHaveLength(2);
    expect(looks[1]!.args.cursor).toBe(looks[0]!.response.response_metadata.next_cursor);
  });

  it('never looks before a lost update: chat.update is repeated as it is', async () => {
    await queue({ kind: 'post', channel: SUPPORT, messageKey: 'ticket:3', payload: { text: 'v1' } });
    const w = worker();
    await w.drain();
    await queue({ kind: 'update', targetKey: 'ticket:3', payload: { text: 'v2' } });
    slack.loseNextAnswer('chat.update', 'drop');
    expect(await w.drain()).toBe(0);
    later();
    expect(await w.drain()).toBe(1);
    expect(ours(SUPPORT).map((m) => m.text)).toEqual(['v2']);
    expect(slack.callsTo('conversations.history')).toHaveLength(0);
    expect((await store.db.select().from(outbox).where(eq(outbox.kind, 'update')))[0]!.maybeSent).toBe(false);
  });

  it('posts again rather than lose the message when it cannot look (the bot is not in the channel)', async () => {
    await queue({ kind: 'post', channel: SUPPORT, payload: { text: 'public channel, bot not invited' } });
    slack.loseNextAnswer('chat.postMessage', 'drop');
    const w = worker();
    await w.drain();
    slack.failNextWith('conversations.history', 'not_in_channel');
    later();
    expect(await w.drain()).toBe(1);
    expect(ours(SUPPORT)).toHaveLength(2); // at least once: the documented cost of not inviting the bot
  });

  it('retries the look itself when Slack fails it, and still posts once', async () => {
    await queue({ kind: 'post', channel: SUPPORT, payload: { text: 'look again' } });
    slack.loseNextAnswer('chat.postMessage', 503);
    const w = worker();
    await w.drain();
    slack.failNext('conversations.history', { status: 502 });
    later();
    expect(await w.drain()).toBe(0);
    clock.advance(10_000);
    expect(await w.drain()).toBe(1);
    expect(ours(SUPPORT)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('counts deliveries by outcome and 429s by channel', async () => {
    await queue(
      { kind: 'post', channel: SUPPORT, payload: { text: 'limited' } },
      { kind: 'post', channel: 'C0NOWHERE', payload: { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) } },
    );
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 1, (a) => a.channel === SUPPORT);
    const w = worker();
    await w.drain();
    clock.advance(2_000);
    await w.drain();
    expect(await deliveries()).toEqual({ '429': 1, failed: 1, ok: 1 });
    expect((await metrics.outbox429.get()).values).toEqual([{ labels: { channel: SUPPORT }, value: 1 }]);
  });
});
