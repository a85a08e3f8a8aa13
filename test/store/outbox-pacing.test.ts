// Pacing per channel with no head-of-line blocking: the outbox keeps Slack's ~1 message a second
// per channel (a short burst allowed) and the method tiers on its side, shared by every worker
// through the store; a busy or rate-limited channel waits alone. Time is injected: the fake Slack's
// per-channel limit and the worker both run on the test's manual clock (the real-time check is
// `npm run bench -- outbox`).
import { WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueue, type OutboxMessage } from '../../src/outbox/outbox.js';
import { outbox, outboxPace } from '../../src/outbox/outbox.table.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/outbox/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openStore, rows } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const BUSY = 'C0BUSY';
const CALM = 'C0CALM';
const OTHER = 'C0OTHER';

describe(`outbox pacing (${storeName})`, () => {
  let store: TestStore;
  let slack: FakeSlack;
  let clock: ManualClock;
  const client = () => new WebClient(slack.token, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 2_000 });
  const worker = (extra: Partial<OutboxWorkerOptions> = {}) =>
    new OutboxWorker({ db: store.db, client: client(), clock, logger: silentLogger, pacing: true, ...extra });
  const queue = (...messages: OutboxMessage[]) => store.db.transaction((tx) => enqueue(tx, clock.now(), messages));
  const posts = (channel: string, n: number, from = 0): OutboxMessage[] =>
    Array.from({ length: n }, (_, i) => ({ kind: 'post', channel, payload: { text: `${channel} ${from + i}` } }));
  const arrived = (channel: string) => slack.inChannel(channel).length;
  const answered429 = () => slack.calls.filter((c) => c.status === 429).length;

  beforeAll(async () => {
    store = await openTestStore();
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
    slack.limitChannels(false);
    clock = new ManualClock('2026-11-25T02:00:00Z');
  });

  it('sends a burst of 2 to a channel, then one every 1.05 s, and Slack (1 a second, burst 3) never answers 429', async () => {
    slack.limitChannels({ perSecond: 1, burst: 3 }); // Slack's per-channel limit, on the test's clock
    await queue(...posts(BUSY, 12));
    const w = worker();
    expect(await w.drain()).toBe(2);
    expect(await w.drain()).toBe(0);
    clock.advance(1_000);
    expect(await w.drain()).toBe(0); // 1.05 s between messages: a little under Slack's limit
    clock.advance(50);
    expect(await w.drain()).toBe(1);
    let ms = 1_050;
    while (arrived(BUSY) < 12 && ms < 60_000) {
      clock.advance(1_050);
      ms += 1_050;
      await w.drain();
    }
    expect(arrived(BUSY)).toBe(12);
    expect(ms).toBe(10 * 1_050); // 2 at once, then 10 more, one every 1.05 s
    expect(answered429()).toBe(0);
    expect(slack.inChannel(BUSY).map((m) => m.text)).toEqual(Array.from({ length: 12 }, (_, i) => `${BUSY} ${i}`)); // in order
  });

  it('a busy channel does not delay the others: rows queued after its backlog go at once', async () => {
    await queue(...posts(BUSY, 30));
    await queue(...posts(CALM, 2), ...posts(OTHER, 2), { kind: 'dm', userId: 'U0ALICE', payload: { text: 'DM' } });
    const w = worker({ batchSize: 20 });
    await w.drain();
    expect(arrived(BUSY)).toBe(2);
    expect(arrived(CALM)).toBe(2);
    expect(arrived(OTHER)).toBe(2);
    expect(arrived(slack.dmChannelFor('U0ALICE'))).toBe(1);
    // The claim took only what could go: nothing of BUSY's backlog was claimed and handed back.
    const [busy] = await rows<{ n: number; touched: number }>(
      store.db,
      sql`select count(*)::int as n, count(*) filter (where attempts > 0 or available_at > created_at)::int as touched from outbox where channel = ${BUSY} and status = 'pending'`,
    );
    expect(busy).toEqual({ n: 28, touched: 0 });
  });

  it('a 429 holds only its channel, for Retry-After, on every worker; the other channels keep flowing', async () => {
    await queue(...posts(BUSY, 3), ...posts(CALM, 2));
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 }, 1, (a) => a.channel === BUSY);
    const w = worker();
    await w.drain();
    expect(arrived(CALM)).toBe(2);
    expect(arrived(BUSY)).toBe(0);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === BUSY)).toHaveLength(1); // the lane stopped at the 429
    await queue(...posts(CALM, 1, 2), ...posts(BUSY, 1, 3));
    clock.advance(29_000);
    await worker().drain(); // another worker (replica) honours the same hold
    expect(arrived(CALM)).toBe(3);
    expect(arrived(BUSY)).toBe(0);
    clock.advance(1_000);
    await w.drain();
    expect(arrived(BUSY)).toBe(1); // after a 429 the channel resumes at the steady pace, no burst
    clock.advance(1_050);
    await w.drain();
    clock.advance(1_050);
    await w.drain();
    clock.advance(1_050);
    await w.drain();
    expect(slack.inChannel(BUSY).map((m) => m.text)).toEqual([`${BUSY} 0`, `${BUSY} 1`, `${BUSY} 2`, `${BUSY} 3`]);
  });

  it('a slow channel (Slack never answers) does not hold the others: each channel is its own lane', async () => {
    await queue(...posts(BUSY, 1), ...posts(CALM, 2), ...posts(OTHER, 1));
    slack.loseNextAnswer('chat.postMessage', 'timeout', 1, (a) => a.channel === BUSY); // answered only after the 2 s client timeout
    const w = worker({ pollMs: 10 });
    w.start();
    try {
      const started = Date.now();
      await slack.waitFor(() => arrived(CALM) === 2 && arrived(OTHER) === 1);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(slack.calls.some((c) => c.args.channel === BUSY && c.lost === 'timeout')).toBe(true);
    } finally {
      await w.stop();
    }
    const [busy] = await store.db.select().from(outbox).where(sql`channel = ${BUSY}`);
    expect(busy).toMatchObject({ status: 'pending', maybeSent: true, attempts: 1 }); // looked for before the next try
  });

  it('workers share one bucket per channel through the store (replicas)', async () => {
    await queue(...posts(BUSY, 10));
    const second = usingPostgres ? await openStore({ databaseUrl: store.url, poolSize: 3 }) : undefined;
    try {
      const [a, b] = await Promise.all([worker().drain(), worker({ db: second?.db ?? store.db }).drain()]);
      expect(a + b).toBe(2);
    } finally {
      await second?.close();
    }
    expect(arrived(BUSY)).toBe(2);
  });

  it('paces a Web API method by its tier (chat.update) across channels', async () => {
    const channels = ['C0A01', 'C0A02', 'C0A03', 'C0A04'];
    await queue(...channels.map((channel, i): OutboxMessage => ({ kind: 'post', channel, messageKey: `m:${i}`, payload: { text: 'v1' } })));
    const w = worker({ pacing: { methods: { 'chat.update': { intervalMs: 1_000, burst: 2 } } } });
    expect(await w.drain()).toBe(4);
    await queue(...channels.map((_, i): OutboxMessage => ({ kind: 'update', targetKey: `m:${i}`, payload: { text: 'v2' } })));
    expect(await w.drain()).toBe(2);
    clock.advance(1_000);
    expect(await w.drain()).toBe(1);
    clock.advance(1_000);
    expect(await w.drain()).toBe(1);
    expect(slack.callsTo('chat.update')).toHaveLength(4);
  });

  it('updates are not held by their channel’s post limit', async () => {
    await queue({ kind: 'post', channel: BUSY, messageKey: 'ticket:1', payload: { text: 'v1' } }, ...posts(BUSY, 5));
    const w = worker();
    expect(await w.drain()).toBe(2);
    await queue({ kind: 'update', targetKey: 'ticket:1', payload: { text: 'v2' } });
    expect(await w.drain()).toBe(1);
    expect(slack.callsTo('chat.update').map((c) => c.args.text)).toEqual(['v2']);
  });

  it('a pace row written by a clock that disagrees (a test clock set back, a backfill with --at) holds nothing', async () => {
    clock.advance(3_600_000);
    await queue(...posts(BUSY, 2));
    expect(await worker().drain()).toBe(2);
    clock.set('2026-11-25T02:00:00Z'); // an hour back
    await queue(...posts(BUSY, 2, 2));
    expect(await worker().drain()).toBe(2); // not held until 03:00:01
  });

  it('without pacing a worker sends as fast as Slack answers, and still honours Retry-After per channel', async () => {
    await queue(...posts(BUSY, 10));
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 5 }, 1, (a) => a.channel === BUSY && a.text === `${BUSY} 4`);
    const w = worker({ pacing: false });
    expect(await w.drain()).toBe(4);
    clock.advance(5_000);
    expect(await w.drain()).toBe(6);
  });
});
