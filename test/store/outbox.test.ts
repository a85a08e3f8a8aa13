// The outbox against a real store and the fake Slack API: nothing lost, nothing sent twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { outboxClient } from '../../src/app.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { outbox, outboxPace } from '../../src/outbox/outbox.table.js';
import { OutboxWorker } from '../../src/outbox/worker.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openStore, rows } from '../../src/platform/db.js';
import { silentLogger } from '../../src/platform/logger.js';
import { openTestStore, storeName, usingPostgres, type TestStore } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

describe(`outbox (${storeName})`, () => {
  let store: TestStore;
  let slack: FakeSlack;
  let clock: ManualClock;
  const worker = (db = store.db) =>
    new OutboxWorker({ db, client: outboxClient(slack.token, slack.url), clock, logger: silentLogger });

  beforeAll(async () => {
    store = await openTestStore();
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await store?.dispose();
    await slack?.close();
  });
  beforeEach(async () => {
    await store.db.delete(outbox);
    await store.db.delete(outboxPace);
    slack.reset();
    clock = new ManualClock('2026-11-25T02:00:00Z');
  });

  const post = (n: number, channel = 'C0SUPPORT') =>
    store.db.transaction((tx) => enqueue(tx, clock.now(), Array.from({ length: n }, (_, i) => ({ kind: 'post' as const, channel, payload: { text: `message ${i}` } }))));

  it('delivers once, keeps the ts, and never sends a delivered row again', async () => {
    await post(3);
    const w = worker();
    expect(await w.drain()).toBe(3);
    expect(await w.drain()).toBe(0);
    clock.advance(3600_000);
    expect(await w.drain()).toBe(0);
    expect(slack.posted()).toHaveLength(3);
    const rows = await store.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.ts && r.deliveredChannel === 'C0SUPPORT')).toBe(true);
  });

  it('waits out a 429 Retry-After and then delivers exactly one message', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    await post(1);
    const w = worker();
    expect(await w.drain()).toBe(0);
    // The channel is held (every worker's claim skips it); the row keeps its place in the channel.
    const [hold] = await store.db.select().from(outboxPace);
    expect(hold).toMatchObject({ key: 'channel:C0SUPPORT' });
    expect(hold!.retryAt!.toISOString()).toBe('2026-11-25T02:00:30.000Z');
    clock.advance(29_000);
    expect(await w.drain()).toBe(0);
    clock.advance(1_000);
    expect(await w.drain()).toBe(1);
    expect(slack.posted()).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('backs off on 5xx and network failures and loses nothing while Slack is down', async () => {
    slack.setDown(true);
    await post(2);
    const w = worker();
    for (let i = 0; i < 5; i++) {
      expect(await w.drain()).toBe(0);
      clock.advance(10 * 60_000);
    }
    const pending = await store.db.select().from(outbox);
    expect(pending.every((r) => r.status === 'pending' && r.attempts >= 1)).toBe(true);
    // Backoff grows with attempts: the wait before the next try is longer than the first one.
    slack.setDown(false);
    clock.advance(10 * 60_000);
    expect(await w.drain()).toBe(2);
    expect(slack.posted().map((c) => c.args.text).sort()).toEqual(['message 0', 'message 1']);
  });

  it('keeps a message whose send fails at the network (connection refused) and delivers it later', async () => {
    await post(1);
    const unreachable = new OutboxWorker({ db: store.db, client: outboxClient(slack.token, 'http://127.0.0.1:9/api/'), clock, logger: silentLogger });
    expect(await unreachable.drain()).toBe(0);
    const [row] = await store.db.select().from(outbox);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.availableAt.getTime()).toBeGreaterThan(clock.now().getTime()); // backs off
    expect(row!.lastError).toBeTruthy();
    clock.advance(10 * 60_000);
    expect(await worker().drain()).toBe(1);
    expect(slack.posted().map((c) => c.args.text)).toEqual(['message 0']);
  });

  it('holds thread replies and updates until their message has a ts, in order', async () => {
    await store.db.transaction((tx) =>
      enqueue(tx, clock.now(), [
        { kind: 'post', channel: 'C0SUPPORT', messageKey: 'ticket:1', payload: { text: 'v1' } },
        { kind: 'reply', targetKey: 'ticket:1', payload: { text: 'first reply' } },
        { kind: 'update', targetKey: 'ticket:1', payload: { text: 'v2' } },
        { kind: 'update', targetKey: 'ticket:1', payload: { text: 'v3' } },
        { kind: 'reply', targetKey: 'ticket:1', payload: { text: 'second reply' } },
      ]),
    );
    slack.failNext('chat.postMessage', { status: 503 });
    const w = worker();
    await w.drain();
    expect(slack.posted()).toHaveLength(0);
    clock.advance(60_000);
    await w.drain();
    const parent = slack.posted()[0]!;
    const replies = slack.posted().filter((c) => c.args.thread_ts === parent.response.ts).map((c) => c.args.text);
    expect(replies).toEqual(['first reply', 'second reply']);
    // The older update was superseded by the newer one: one chat.update with the latest text.
    expect(slack.callsTo('chat.update').map((c) => c.args.text)).toEqual(['v3']);
  });

  it('marks a message Slack refuses as failed, with its replies, and carries on', async () => {
    await store.db.transaction((tx) =>
      enqueue(tx, clock.now(), [
        { kind: 'post', channel: 'C0NOWHERE', messageKey: 'ticket:9', payload: { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) } },
        { kind: 'reply', targetKey: 'ticket:9', payload: { text: 'reply' } },
        { kind: 'post', channel: 'C0SUPPORT', payload: { text: 'fine' } },
      ]),
    );
    const w = worker();
    await w.drain();
    const rows = await store.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'sent']);
    expect(rows[0]!.lastError).toBe('invalid_blocks');
  });

  it('skips a message whose dedupe key was queued before', async () => {
    const m = { kind: 'dm' as const, userId: 'U0ALICE', dedupeKey: 'sla:1:response:warning', payload: { text: 'warn' } };
    expect(await store.db.transaction((tx) => enqueue(tx, clock.now(), [m]))).toBe(1);
    expect(await store.db.transaction((tx) => enqueue(tx, clock.now(), [m]))).toBe(0);
    await worker().drain();
    expect(slack.posted()).toHaveLength(1);
  });

  it('rolls back the messages with the change they belong to', async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await enqueue(tx, clock.now(), [{ kind: 'post', channel: 'C0SUPPORT', payload: { text: 'ghost' } }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await store.db.select().from(outbox)).toHaveLength(0);
  });

  it('sends each row once when two workers drain together (two connections on Postgres)', async () => {
    await post(60);
    const second = usingPostgres ? await openStore({ databaseUrl: store.url, poolSize: 3 }) : undefined;
    try {
      const [a, b] = await Promise.all([worker().drain(), worker(second?.db ?? store.db).drain()]);
      expect(a + b).toBe(60);
      if (usingPostgres) expect(Math.min(a, b)).toBeGreaterThan(0);
    } finally {
      await second?.close();
    }
    const texts = slack.posted().map((c) => c.args.text);
    expect(new Set(texts).size).toBe(60);
    expect(texts).toHaveLength(60);
    const [sent] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from outbox where status = 'sent'`);
    expect(sent!.n).toBe(60);
  });

  it('never sends a row after its lease may have run out: slow Slack, a second worker waiting', async () => {
    await post(6);
    let n = 0;
    // Each post takes 25 s of (injected) time: the 60 s lease of a 6-row claim would run out mid-batch.
    slack.stub('chat.postMessage', (args) => {
      clock.advance(25_000);
      return { ok: true, channel: args.channel, ts: `1764000000.${String(++n).padStart(6, '0')}` };
    });
    const second = usingPostgres ? await openStore({ databaseUrl: store.url, poolSize: 3 }) : undefined;
    try {
      const late = (async () => {
        await slack.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length >= 3);
        return worker(second?.db ?? store.db).drain();
      })();
      const [a, b] = await Promise.all([worker().drain(), late]);
      expect(a + b).toBe(6);
    } finally {
      slack.unstub('chat.postMessage');
      await second?.close();
    }
    const texts = slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.args.text);
    expect(texts).toHaveLength(6);
    expect(new Set(texts).size).toBe(6);
    const [sent] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from outbox where status = 'sent'`);
    expect(sent!.n).toBe(6);
  });

  it('does not send a row another worker has leased', async () => {
    await post(1);
    await store.db.update(outbox).set({ leaseUntil: new Date(clock.now().getTime() + 60_000) }).where(eq(outbox.status, 'pending'));
    expect(await worker().drain()).toBe(0);
    clock.advance(61_000); // the other worker died: its lease runs out and the row is taken over
    expect(await worker().drain()).toBe(1);
  });
});
